"""Importers: published downloads turned into rows of data/national/counts.csv.

``yjnb import lait FILE`` and ``yjnb import yjb FILE`` read a download, keep the rows that can
be trusted (each with its source), say why any other row was left out, and merge the rows into
``DIR/national/counts.csv``. Importing the same file twice changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from yjnb.importers.common import ImportResult, merge_counts, read_aliases
from yjnb.importers.lait import parse_lait, read_lait
from yjnb.importers.yjb import parse_yjb, read_yjb
from yjnb.inputs.load import NationalData, load_national

__all__ = ["ImportResult", "import_lait", "import_yjb"]


def import_lait(path: Path | str, data_dir: Path | str, replace: bool = False) -> ImportResult:
    """Import a DfE LAIT long-format download into DATA_DIR/national/counts.csv.

    Parameters
    ----------
    path
        The download (.csv, .xlsx or .ods) with columns ``Short Desc, Data item, Years,
        LA and Regions, Values, LA Number, Region``.
    data_dir
        The folder holding ``national/``.
    replace
        Take the file's figure where counts.csv already has a different one.

    Returns
    -------
    ImportResult
        What was added, what was already there, and every row left out with the reason.

    Raises
    ------
    InputError
        If the file cannot be read or holds rows that cannot be trusted; nothing is written.
    """
    download = read_lait(Path(path))
    national = load_national(Path(data_dir))
    aliases = read_aliases(Path(data_dir) / "national")
    numbers = aliases[aliases["scheme"] == "dfe_number"]
    by_number = {
        n: (code, name)
        for n, code, name in zip(
            numbers["alias"], numbers["area_code"], numbers["name"], strict=True
        )
    }
    parsed = parse_lait(download, _areas(national), by_number)
    return merge_counts(Path(data_dir), parsed, download.shown, replace, national)


def import_yjb(path: Path | str, data_dir: Path | str, replace: bool = False) -> ImportResult:
    """Import a YJB local-level open data table into DATA_DIR/national/counts.csv.

    Parameters
    ----------
    path
        The table (.ods, .xlsx or .csv) with columns ``Financial_Year, YJS`` and a count
        column (see :mod:`yjnb.importers.yjb` for the tables and what each feeds).
    data_dir
        The folder holding ``national/``.
    replace
        Take the file's figure where counts.csv already has a different one.

    Returns
    -------
    ImportResult
        What was added, what was already there, and every row left out with the reason.

    Raises
    ------
    InputError
        If the file cannot be read, is a table yjnb does not import, or holds rows that
        cannot be trusted; nothing is written.
    """
    download = read_yjb(Path(path))
    national = load_national(Path(data_dir))
    aliases = read_aliases(Path(data_dir) / "national")
    parsed = parse_yjb(download, _areas(national), aliases)
    return merge_counts(Path(data_dir), parsed, download.shown, replace, national)


def _areas(national: NationalData) -> pd.DataFrame:
    """areas.csv with blanks as empty strings."""
    return national.areas.astype(object).where(national.areas.notna(), "")
