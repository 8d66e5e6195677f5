"""The one error type users see: problems with their inputs, each located precisely."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# A value quoted in a message is cut to this many characters: enough to find it, never
# megabytes of text.
EXCERPT = 80


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input.

    ``row`` is the 1-based line number in the file as a spreadsheet shows it (the header is
    line 1, so the first data row is line 2); ``None`` where the problem is with the whole
    file or column.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    expected: str | None = None
    # "error": refused; "warning": a data-quality problem, built with a note (fails
    # --strict); "note": a check that could not be made, said so (never fails a build)
    severity: str = "error"

    def __post_init__(self) -> None:
        if self.value is not None:
            object.__setattr__(self, "value", excerpt(self.value))

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        text = f"{where}: {self.message}"
        if self.value is not None:
            text += f" (found {self.value!r}"
            text += f"; expected {self.expected})" if self.expected else ")"
        elif self.expected:
            text += f" (expected {self.expected})"
        return text


def excerpt(value: object) -> str:
    """``value`` as text, cut to :data:`EXCERPT` characters with its full length said."""
    text = str(value)
    if len(text) <= EXCERPT:
        return text
    return f"{text[: EXCERPT - 20]}... ({len(text):,} characters)"


class InputError(Exception):
    """Raised when inputs are wrong; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def in_words(items: list[str]) -> str:
    """Items as a sentence lists them: ``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def display_path(path: Path | str, root: Path | None = None) -> str:
    """Path as shown in messages: relative to ``root`` where possible."""
    path = Path(path)
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)
