import datetime

import pandas as pd
import pytest

from yjnb.inputs.periods import (
    FINANCIAL_YEAR_RE,
    QUARTER_RE,
    financial_year_label,
    parse_financial_year,
    parse_quarter,
    period_label,
    previous_financial_years,
)

D = datetime.date


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2023-24 Q1", D(2023, 4, 1), D(2023, 6, 30)),
        ("2023-24 Q2", D(2023, 7, 1), D(2023, 9, 30)),
        ("2023-24 Q3", D(2023, 10, 1), D(2023, 12, 31)),
        ("2023-24 Q4", D(2024, 1, 1), D(2024, 3, 31)),
        ("1999-00 Q4", D(2000, 1, 1), D(2000, 3, 31)),
    ],
)
def test_parse_quarter(label, start, end):
    assert parse_quarter(label) == (start, end)
    assert QUARTER_RE.match(label)


@pytest.mark.parametrize(
    "label",
    ["2023-25 Q1", "2023/24 Q1", "2023-24 Q5", "Q5", "2023-24Q1", "2023-24 q1", " 2023-24 Q1", ""],
)
def test_parse_quarter_rejects(label):
    with pytest.raises(ValueError, match="quarter|second year"):
        parse_quarter(label)


def test_parse_quarter_rejects_non_text():
    with pytest.raises(ValueError):
        parse_quarter(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2024-25", D(2024, 4, 1), D(2025, 3, 31)),
        ("1999-00", D(1999, 4, 1), D(2000, 3, 31)),
    ],
)
def test_parse_financial_year(label, start, end):
    assert parse_financial_year(label) == (start, end)
    assert FINANCIAL_YEAR_RE.match(label)


@pytest.mark.parametrize("label", ["2024-26", "2024/25", "2024", "24-25", "2024-25 Q1"])
def test_parse_financial_year_rejects(label):
    with pytest.raises(ValueError):
        parse_financial_year(label)


@pytest.mark.parametrize(
    ("year", "label"), [(2024, "2024-25"), (1999, "1999-00"), (2009, "2009-10")]
)
def test_financial_year_label(year, label):
    assert financial_year_label(year) == label


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        (D(2023, 1, 1), D(2023, 12, 31), "2023"),
        (D(2023, 4, 1), D(2024, 3, 31), "2023-24"),
        (D(2023, 4, 1), D(2023, 6, 30), "2023-24 Q1"),
        (D(2023, 10, 1), D(2023, 12, 31), "2023-24 Q3"),
        (D(2024, 1, 1), D(2024, 3, 31), "2023-24 Q4"),
        (D(2023, 4, 1), D(2023, 4, 1), "1 Apr 2023"),
        (D(2021, 10, 1), D(2022, 9, 30), "1 Oct 2021 to 30 Sep 2022"),
        (D(2023, 4, 1), D(2023, 6, 29), "1 Apr 2023 to 29 Jun 2023"),
        (D(2022, 1, 1), D(2023, 12, 31), "1 Jan 2022 to 31 Dec 2023"),
    ],
)
def test_period_label(start, end, label):
    assert period_label(start, end) == label


def test_period_label_accepts_timestamps():
    start, end = pd.Timestamp("2023-04-01"), pd.Timestamp("2024-03-31")
    assert period_label(start, end) == "2023-24"
    assert period_label(datetime.datetime(2023, 1, 1), datetime.datetime(2023, 12, 31)) == "2023"


def test_period_label_round_trips_quarters():
    for quarter in range(1, 5):
        label = f"2022-23 Q{quarter}"
        assert period_label(*parse_quarter(label)) == label


def test_previous_financial_years():
    assert previous_financial_years("2024-25", 3) == ["2021-22", "2022-23", "2023-24"]
    assert previous_financial_years("2000-01", 1) == ["1999-00"]
    assert previous_financial_years("2024-25", 0) == []


@pytest.mark.parametrize(("year", "n"), [("2024/25", 1), ("2024-25", -1)])
def test_previous_financial_years_rejects(year, n):
    with pytest.raises(ValueError):
        previous_financial_years(year, n)
