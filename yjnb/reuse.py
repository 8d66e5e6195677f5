"""Reuse of loaded inputs inside the batch's worker processes; off everywhere else.

Every section notebook of an authority reads the same plan.yaml and data files and computes
the same indicators. The runner's process for an authority turns reuse on
(:func:`remember`), loads once, then forks one process per notebook: each notebook's calls
find the results already in memory instead of reading, validating and computing again.

Results are keyed by the bytes of the files read (:func:`by_contents`) or by the very
objects passed in (:func:`by_identity`), so a changed file is read afresh and results are
the same with reuse or without. What a computation read (:mod:`yjnb.reads`) is kept with
its result and noted again each time the result is reused. In a process that never calls
:func:`remember` (a notebook opened in JupyterLab, the tests), the decorated functions
simply run.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from yjnb import reads

F = TypeVar("F", bound=Callable[..., Any])

_remembered: dict[tuple, tuple[Any, Any, frozenset[str]]] | None = None


def remember() -> None:
    """Keep what decorated functions return in this process (and the processes it forks).

    What is kept already stays kept: an authority's process, forked from the worker server,
    goes on using the national data the server loaded.
    """
    global _remembered
    if _remembered is None:
        _remembered = {}


def forget() -> None:
    """Stop keeping results, and drop those kept."""
    global _remembered
    _remembered = None


def _digests(paths: Iterable[Path]) -> tuple[tuple[str, str], ...] | None:
    found = []
    for path in paths:
        path = Path(path)
        files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if not file.is_file():
                return None  # missing: let the function report it
            found.append((str(file.resolve()), hashlib.sha256(file.read_bytes()).hexdigest()))
    return tuple(found)


def _freeze(value: Any) -> Any:
    # Plain values by value; anything else (a loaded NationalData, say) by identity, the
    # object itself being kept alive with the result.
    if value is None or isinstance(value, str | bytes | int | float | bool | Path):
        return (type(value).__name__, value)
    if isinstance(value, tuple | list):
        return (type(value).__name__, tuple(_freeze(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple((_freeze(k), _freeze(v)) for k, v in value.items()))
    return ("id", id(value))


def _reuse(
    key: tuple, values: tuple, function: Callable[..., Any], args: tuple, kwargs: dict
) -> Any:
    # The result kept, or computed and kept, with what computing it read (replayed on reuse).
    assert _remembered is not None
    if key not in _remembered:
        with reads.recording() as read:
            result = function(*args, **kwargs)
        _remembered[key] = (values, result, frozenset(read))
    else:
        reads.replay(_remembered[key][2])
    return _remembered[key][1]


def by_contents(paths_of: Callable[..., Iterable[Path]]) -> Callable[[F], F]:
    """Reuse a loader's result while the files it reads are unchanged.

    ``paths_of`` takes the loader's arguments and names the files (or folders: every file
    in them) the loader reads; the key is the arguments (plain values by value, other
    objects by identity) and the files' bytes.
    """

    def decorate(load: F) -> F:
        signature = inspect.signature(load)

        @functools.wraps(load)
        def load_or_reuse(*args: Any, **kwargs: Any) -> Any:
            if _remembered is None:
                return load(*args, **kwargs)
            digests = _digests(paths_of(*args, **kwargs))
            if digests is None:
                return load(*args, **kwargs)
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            values = tuple(bound.arguments.values())
            key = (load.__module__, load.__qualname__, _freeze(values), digests)
            return _reuse(key, values, load, args, kwargs)

        load_or_reuse.reused_in_workers = True  # type: ignore[attr-defined]
        return load_or_reuse  # type: ignore[return-value]

    return decorate


def by_identity(compute: F) -> F:
    """Reuse a computation's result for the very same argument objects.

    For computations on what :func:`by_contents` loaders return: the same objects come back
    while the files are unchanged. The arguments are kept alive with the result, so their
    ids are not reused.
    """
    signature = inspect.signature(compute)

    @functools.wraps(compute)
    def compute_or_reuse(*args: Any, **kwargs: Any) -> Any:
        if _remembered is None:
            return compute(*args, **kwargs)
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        values = tuple(bound.arguments.values())
        key = (compute.__module__, compute.__qualname__, tuple(map(id, values)))
        return _reuse(key, values, compute, args, kwargs)

    compute_or_reuse.reused_in_workers = True  # type: ignore[attr-defined]
    return compute_or_reuse  # type: ignore[return-value]
