"""What a build's manifest records of its origins: digests of inputs, library versions.

Kept apart from publishing so that the runner can tell an unchanged build without
importing nbconvert and matplotlib.
"""

from __future__ import annotations

import hashlib
import platform
from importlib import metadata
from pathlib import Path

VERSIONED = ("yjnb", "pandas", "numpy", "scipy", "papermill", "nbconvert", "nbclient", "seaborn")


def sha256(path: Path) -> str:
    """Hex digest of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def versions() -> dict[str, str]:
    """Versions of Python and the libraries that shape the output."""
    found = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found
