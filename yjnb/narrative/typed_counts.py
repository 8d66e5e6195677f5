"""Small counts of children typed as words, found before the public profile publishes them.

The public profile withholds every count of local children from 1 to plan.yaml's
``suppression_threshold`` as [c]; a count typed into narrative or into plan.yaml's free text
("one custodial sentence last year", "3 children were remanded") would publish it anyway.
This check finds a whole number from 1 to the threshold, in digits or in words, followed
within a few words by a word for children or for what happens to them (sentence, remand,
caution, first time entrant...), and reports it with its file and line as a warning.

Left alone, to keep false alarms few: years and dates, percentages and rates, decimals and
money, ranges and ratios ("one in three children"), section, quarter, priority, tier and
other numbered headings, ages ("aged 10 to 17"), and numbers joined into a word
("one-to-one"). A count that the author has checked is safe to publish (a national figure,
say) is listed, as written, under ``safe_numbers`` in plan.yaml and is no longer reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from yjnb.errors import InputError, Problem
from yjnb.inputs.config import CONTENT_BLOCKS, read_yaml
from yjnb.narrative.markdown import PLACEHOLDER_RE

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20,
}  # fmt: skip
# Words for the children a service works with, and for what happens to them: a small
# number of these is a count the public profile withholds.
CHILD_WORDS = (
    "child", "children", "young person", "young people", "boy", "boys", "girl", "girls",
    "teenager", "teenagers", "entrant", "entrants", "sentence", "sentences", "custodial",
    "remand", "remands", "remanded", "caution", "cautions", "conviction", "convictions",
    "disposal", "disposals", "arrest", "arrests", "offence", "offences", "offender",
    "offenders", "reoffended", "reoffender", "reoffenders", "case", "cases", "referral",
    "referrals", "exclusion", "exclusions", "excluded", "victim", "victims", "death", "deaths",
    "order", "orders", "detention", "detained", "care leaver", "care leavers", "looked after",
)  # fmt: skip
# Names that hold a word for children without counting any: "the four Child First principles".
NOT_CHILD_WORDS = ("child first", "child-first")
# Words before a number that make it a label or an age, not a count.
LABEL_WORDS = (
    "section", "sections", "s", "part", "priority", "priorities", "objective", "action",
    "tier", "step", "stage", "phase", "level", "quarter", "q", "page", "table", "figure",
    "chapter", "appendix", "kpi", "year", "years", "aged", "age", "ages", "top", "number",
    "no", "version", "item", "point", "standard", "principle", "area", "week", "weeks", "day",
    "days", "month", "months", "hour", "hours",
)  # fmt: skip
MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
# Words after a number that make it something other than a count of children: a share, a
# range or ratio ("3 to 5", "one in three"), a time, an age, a date.
NOT_COUNT_AFTER = (
    "per cent", "percent", "in", "out of", "of every", "to", "or", "year", "years",
    "year-old", "year-olds", "month", "months", "week", "weeks", "day", "days", "hour",
    "hours", "times", "pm", "am", "hundred", "thousand", "million", *MONTHS,
)  # fmt: skip
GAP_WORDS = 2  # words allowed between the number and the word for children

_WORD = r"[A-Za-z][A-Za-z'’]*"
_NOT_COUNT_AFTER = re.compile(
    r"^\s*(?:%|(?:" + "|".join(re.escape(w) for w in NOT_COUNT_AFTER) + r")\b)", re.IGNORECASE
)
_NUMBER_TEXT = r"(?:\d+|" + "|".join(NUMBER_WORDS) + r")"
# The second number of a range or ratio: "2 to 3 children", "one in three children".
_RANGE_BEFORE = re.compile(_NUMBER_TEXT + r"\s*(?:to|and|or|in|-|–)\s*$", re.IGNORECASE)
_HEADING = re.compile(r"^[\s#*_>|-]*$")
_TITLE = re.compile(r"^[\s.)]*[A-Z]")
_NUMBER = re.compile(
    r"(?<![\w.,£$€/:-])(\d+|" + "|".join(NUMBER_WORDS) + r")(?![\w%/:]|[.,]\d|-\w|–\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TypedCount:
    """A small count found in a line of text: where it starts, and the phrase it is in."""

    start: int
    phrase: str


def typed_counts(line: str, threshold: int) -> list[TypedCount]:
    """Every number from 1 to ``threshold`` in ``line`` that counts children (see above)."""
    text = PLACEHOLDER_RE.sub(lambda m: " " * len(m[0]), line)
    found = []
    for match in _NUMBER.finditer(text):
        word = match[1].lower()
        value = NUMBER_WORDS.get(word) or (int(word) if word.isdigit() else 0)
        before, after = text[: match.start()], text[match.end() :]
        if not 1 <= value <= threshold or _labelled(before) or _RANGE_BEFORE.search(before):
            continue
        if word.isdigit() and _HEADING.match(before) and _TITLE.match(after):
            continue  # a numbered heading or list item: "3 Breaches of Statutory Orders"
        if _NOT_COUNT_AFTER.match(after):
            continue
        counted = _counted(after)
        if counted:
            found.append(TypedCount(match.start(), match[0] + after[:counted]))
    return found


def _labelled(before: str) -> bool:
    words = re.findall(r"[\w.]+", before.lower()[-30:])
    if not words:
        return False
    last = words[-1].rstrip(".")
    if last in ("year", "years", "month", "week", "quarter") and len(words) > 1:
        if words[-2] in ("last", "this", "next", "that", "the", "a", "each", "every", "per"):
            return False  # "last year 2 children": a time, then a count
    return last in LABEL_WORDS or last in MONTHS or before.rstrip().endswith(("£", "$", "#"))


def _counted(after: str) -> int:
    """How far into ``after`` the last word for children ends (0 if none within the gap)."""
    clause = re.split(r"[.;:!?()\[\]]|,\s", after, maxsplit=1)[0]
    words = [_plain(w[0]) for w in re.finditer(_WORD, clause)][: GAP_WORDS + 2]
    ends = [w.end() for w in re.finditer(_WORD, clause)][: GAP_WORDS + 2]
    # "two children's homes" counts homes, not children
    possessive = [bool(re.search(r"['’]s?$", w[0])) for w in re.finditer(_WORD, clause)]
    end, i = 0, 0
    while i < len(words) and (end or i <= GAP_WORDS):
        pair = " ".join(words[i : i + 2])
        if pair in NOT_CHILD_WORDS:
            i += 2
        elif len(words) > i + 1 and pair in CHILD_WORDS:
            end, i = ends[i + 1], i + 2
        elif words[i] in CHILD_WORDS and not possessive[i]:
            end, i = ends[i], i + 1
        elif end:
            break
        else:
            i += 1
    return end


def _plain(word: str) -> str:
    """A word in lower case without its possessive: "children's" -> "children"."""
    return re.sub(r"['’]s?$", "", word.lower())


def mentions_children(text: str) -> bool:
    """True if a text has a word for children or for what happens to them."""
    words = [_plain(w) for w in re.findall(_WORD, text)]
    pairs = [" ".join(words[i : i + 2]) for i in range(len(words) - 1)]
    return any(w in CHILD_WORDS for w in (*words, *pairs))


def _safe(line: str, count: TypedCount, safe: Iterable[str]) -> bool:
    """True if the count lies within a phrase listed as checked (``safe_numbers``)."""
    folded = " ".join(line.split()).casefold()
    spaced = " ".join(line[: count.start].split()).casefold()
    start = len(spaced) + (1 if spaced and line[: count.start][-1:].isspace() else 0)
    for phrase in safe:
        wanted = " ".join(phrase.split()).casefold()
        for match in re.finditer(re.escape(wanted), folded):
            if match.start() <= start < match.end():
                return True
    return False


def _problem(shown: str, row: int, count: TypedCount, column: str | None = None) -> Problem:
    return Problem(
        shown,
        f"'{count.phrase}' may publish a small count of local children, which the public "
        "profile withholds: rewrite it, or list the phrase under safe_numbers in plan.yaml "
        "if it is safe to publish (a national figure, say)",
        row=row,
        column=column,
        value=count.phrase,
        expected="no count from 1 to the suppression threshold",
        severity="warning",
    )


def text_count_problems(
    text: str, shown: str, threshold: int, safe: Iterable[str] = ()
) -> list[Problem]:
    """A warning, with file and line, for every small count typed in a text (narrative)."""
    safe = tuple(safe)
    return [
        _problem(shown, row, count)
        for row, line in enumerate(text.splitlines(), start=1)
        for count in typed_counts(line, threshold)
        if not _safe(line, count, safe)
    ]


def plan_count_problems(
    path: Path,
    shown: str,
    threshold: int,
    safe: Iterable[str] = (),
    blocks: Iterable[str] | None = None,
) -> list[Problem]:
    """A warning for every small count typed in plan.yaml's structured content.

    Each text of the ``blocks`` named (default: every one) is read; so is each fact of the
    local context whose label speaks of children and whose value is a small count. A
    problem names the line and the key (``priorities.national.custody.context``).
    """
    try:
        _, tree = read_yaml(path, shown)
    except InputError:
        return []  # reported by the plan's own checks
    if not isinstance(tree, yaml.MappingNode):
        return []
    wanted = set(CONTENT_BLOCKS if blocks is None else blocks)
    safe = tuple(safe)
    problems = []
    for key, node in tree.value:
        if key.value not in wanted:
            continue
        for where, scalar in _scalars(node, (key.value,)):
            line = scalar.value
            row = scalar.start_mark.line + 1
            for count in typed_counts(line, threshold):
                if not _safe(line, count, safe):
                    problems.append(_problem(shown, row, count, ".".join(where)))
        if key.value == "local_context":
            problems += _facts(node, shown, threshold, safe)
    return problems


def _scalars(
    node: yaml.Node, where: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], yaml.Node]]:
    """Every text in a block, with its key path; numbers given as numbers are not text."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _scalars(value, (*where, str(key.value)))
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            yield from _scalars(value, (*where, str(i)))
    elif isinstance(node, yaml.ScalarNode) and node.tag.endswith(":str"):
        yield where, node


def _facts(node: yaml.Node, shown: str, threshold: int, safe: tuple[str, ...]) -> list[Problem]:
    """Local context facts: a label about children with a small count as its value."""
    problems: list[Problem] = []
    facts = next((v for k, v in node.value if k.value == "facts"), None)
    if not isinstance(facts, yaml.SequenceNode):
        return problems
    for i, fact in enumerate(facts.value):
        if not isinstance(fact, yaml.MappingNode):
            continue
        fields = {k.value: v for k, v in fact.value if isinstance(v, yaml.ScalarNode)}
        label, value = fields.get("label"), fields.get("value")
        if label is None or value is None or not value.value.strip().isdigit():
            continue
        if not 1 <= int(value.value) <= threshold or not mentions_children(label.value):
            continue
        phrase = f"{label.value}: {value.value}"
        if any(" ".join(s.split()).casefold() in phrase.casefold() for s in safe):
            continue
        count = TypedCount(0, phrase)
        column = f"local_context.facts.{i}.value"
        problems.append(_problem(shown, value.start_mark.line + 1, count, column))
    return problems
