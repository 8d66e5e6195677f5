"""What every input file must look like: the fixed vocabularies and one schema per file.

The vocabularies (KPIs and their measures, cohorts, headline categories, board statuses,
area types, the measures of counts.csv) are defined here once and imported everywhere.

Each file is described by a :class:`FileSpec`: its columns, what each must hold in plain
English, and cell-by-cell rules. :func:`check_cells` runs those rules on the file's cells
*as written* (every cell a string), each failing cell a :class:`~yjnb.errors.Problem`
naming the file, row and column. Rules that need more than one cell (a measure must
belong to its KPI, duplicate rows, totals) live in :mod:`yjnb.inputs.load`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd

from yjnb.errors import Problem
from yjnb.inputs.periods import is_financial_year, is_quarter

# --- vocabularies ----------------------------------------------------------------------

KPI_MEASURES: dict[str, tuple[str, ...]] = {
    "accommodation": ("suitability", "accommodation_type"),
    "ete": ("suitability", "ete_type", "hours_offered", "hours_attended"),
    "send": ("sen_level", "formal_plan"),
    "mental_health": ("identified_need", "referred", "attended"),
    "substance_misuse": ("identified_need", "referred", "attended"),
    "oocd": ("outcome", "disposal_type"),
    "wider_services": ("open_to",),
    "serious_violence": ("offence_group",),
    "victims": ("engagement",),
}
KPIS: tuple[str, ...] = tuple(KPI_MEASURES)
MEASURES: tuple[str, ...] = tuple(dict.fromkeys(m for ms in KPI_MEASURES.values() for m in ms))
# A child can be counted more than once in these, so their counts do not sum to a total.
NON_EXCLUSIVE_MEASURES: tuple[str, ...] = ("open_to", "offence_group", "engagement")
EXCLUSIVE_MEASURES: tuple[str, ...] = tuple(m for m in MEASURES if m not in NON_EXCLUSIVE_MEASURES)

COHORTS: tuple[str, ...] = ("all", "statutory_school_age", "post_16")
KPI_COHORTS: dict[str, tuple[str, ...]] = {
    kpi: COHORTS if kpi == "ete" else ("all",) for kpi in KPI_MEASURES
}
# Categories are the service's own labels except where a headline figure reads them.
HEADLINE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "suitability": ("Suitable", "Unsuitable"),
    "identified_need": ("Yes", "No"),
    "referred": ("Yes", "No"),
    "attended": ("Yes", "No"),
    "formal_plan": ("Yes", "No"),
    "outcome": ("Completed", "Not completed"),
}
# Categories for children whose answer was not known or not recorded: accepted in every
# measure (headline ones too), shown as their own row and counted in the measure's total.
UNKNOWN_CATEGORIES: tuple[str, ...] = ("Unknown", "Not known", "Not recorded")


def is_unknown(category: object) -> bool:
    """Whether a category, as written, is one of :data:`UNKNOWN_CATEGORIES` (any case)."""
    known = {c.casefold() for c in UNKNOWN_CATEGORIES}
    return isinstance(category, str) and category.strip().casefold() in known


# The children an exclusive measure counts, where that is not every child in the cohort:
# (kpi, measure) -> (base measure, base category). Its counts for a period must add up to
# the base measure's total (base category None) or to the count of the base category, so
# "of those with an identified need, how many were referred" is checked as such.
MEASURE_BASES: dict[tuple[str, str], tuple[str, str | None]] = {
    ("accommodation", "accommodation_type"): ("suitability", None),
    ("ete", "ete_type"): ("suitability", None),
    ("ete", "hours_offered"): ("suitability", None),
    ("ete", "hours_attended"): ("suitability", None),
    ("mental_health", "referred"): ("identified_need", "Yes"),
    ("mental_health", "attended"): ("referred", "Yes"),
    ("substance_misuse", "referred"): ("identified_need", "Yes"),
    ("substance_misuse", "attended"): ("referred", "Yes"),
    ("oocd", "disposal_type"): ("outcome", None),
}
# Cohorts that together make up another: (whole, parts) for the ete kpi.
COHORT_PARTS: tuple[str, tuple[str, ...]] = ("all", ("statutory_school_age", "post_16"))
# A category with this label (any case) is a stated total: checked, then left out.
TOTAL_CATEGORY = "Total"

# not_recorded: a place at a meeting whose attendance was not recorded; counted among the
# places, not as attended.
BOARD_STATUSES: tuple[str, ...] = ("present", "deputy", "apologies", "absent", "not_recorded")
AREA_TYPES: tuple[str, ...] = ("la", "yjs", "pcc", "region", "nation")
# Which area types each group column of areas.csv may point at.
AREA_GROUP_TYPES: dict[str, tuple[str, ...]] = {
    "yjs_code": ("yjs",),
    "pcc_code": ("pcc",),
    "region_code": ("region", "nation"),  # Welsh authorities sit directly under Wales
}

COUNT_MEASURES: tuple[str, ...] = (
    "population_10_17",
    "fte",
    "custody",
    "reoffending_cohort",
    "reoffenders",
    "reoffences",
)
RATE_MEASURES: tuple[str, ...] = ("fte_rate", "custody_rate", "reoffending_rate")
# The most a published rate can be: per 100,000, per 1,000 and per cent.
RATE_MAXIMA: dict[str, float] = {
    "fte_rate": 100_000,
    "custody_rate": 1_000,
    "reoffending_rate": 100,
}
# Counts that cannot exceed another count for the same area and period.
COUNT_CEILINGS: dict[str, str] = {
    "fte": "population_10_17",
    "custody": "population_10_17",
    "reoffenders": "reoffending_cohort",
}

POPULATION_GROUP_TYPES: tuple[str, ...] = ("ethnicity", "sex", "send", "care_status")
BUDGET_MONEY_COLUMNS: tuple[str, ...] = (
    "staffing_costs",
    "payments_in_kind",
    "other_delegated_funds",
)
BUDGET_TOTAL_AGENCY = "Total"
BUDGET_TOLERANCE = 1.0  # pounds: allows components and totals each rounded to the pound
COHORT_AGES: tuple[int, int] = (10, 17)

# Bounds on what any input may hold: far beyond any real service's figures, but finite, so
# that every figure converts, sums and prints exactly, and no file takes minutes to read.
MAX_CSV_BYTES = 50_000_000
MAX_CELL_CHARS = 2_000
MAX_COUNT = 1_000_000  # children, partner places or responses in one return
MAX_POUNDS = 1_000_000_000  # one agency's contribution to one service in one year
MAX_FIGURE = 100_000_000  # a published national figure (England has 5.9 million aged 10-17)

# --- cell rules --------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A test of single cells as written; ``test`` gets non-blank cells, returns booleans."""

    test: Callable[[pd.Series], pd.Series]
    message: str
    expected: str
    severity: str = "error"


def numbers(cells: pd.Series) -> pd.Series:
    """Cells as floats; anything that is not plainly a finite number becomes NaN."""
    values = pd.to_numeric(cells.astype("string"), errors="coerce").astype("float64")
    return values.where(values.abs() != float("inf"))  # "1e999" is not a usable number


def iso_dates(cells: pd.Series) -> pd.Series:
    """Cells as datetimes; anything not a real ``YYYY-MM-DD`` date becomes NaT."""
    text = cells.astype("string")
    text = text.where(text.str.len().eq(10).fillna(False))  # the parser accepts 2023-1-1
    return pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")


def _each(predicate: Callable[[str], bool]) -> Callable[[pd.Series], pd.Series]:
    # Labels repeat a lot (one period per quarter): test each distinct value once.
    def test(cells: pd.Series) -> pd.Series:
        verdicts = {value: predicate(value) for value in cells.unique()}
        return cells.map(verdicts).astype(bool)

    return test


IS_NUMBER = Rule(
    lambda s: numbers(s).notna(),
    "is not a number",
    "a number written with digits only, e.g. 1234 or 12.5 (no commas, £ or %)",
)
NOT_NEGATIVE = Rule(lambda s: ~(numbers(s) < 0), "is negative", "zero or more")
WHOLE = Rule(lambda s: ~(numbers(s) % 1 > 0), "is not a whole number", "a whole number")
IN_PENCE = Rule(
    lambda s: ~((numbers(s) * 100 - (numbers(s) * 100).round()).abs() > 1e-6),
    "is not in pounds and pence",
    "an amount with at most two decimal places",
)
NOT_ZERO = Rule(lambda s: ~(numbers(s) == 0), "is zero", "more than zero")


def at_most(limit: float) -> Rule:
    """Rule: the number is no more than ``limit``."""
    return Rule(lambda s: ~(numbers(s) > limit), "is implausibly large", f"no more than {limit:,}")


IS_DATE = Rule(
    lambda s: iso_dates(s).notna(),
    "is not a date written YYYY-MM-DD",
    "a real date written YYYY-MM-DD, e.g. 2024-03-31",
)
IS_QUARTER = Rule(
    _each(is_quarter),
    "is not a quarter written like 2023-24 Q1",
    "a financial-year quarter such as 2023-24 Q1 (Q1 is April to June, Q4 January to March)",
)
IS_FINANCIAL_YEAR = Rule(
    _each(is_financial_year),
    "is not a financial year written like 2024-25",
    "a financial year such as 2024-25 (April 2024 to March 2025)",
)


def one_of(values: tuple[str, ...], what: str) -> Rule:
    """Rule: the cell is one of ``values`` exactly (case matters)."""
    allowed = frozenset(values)
    return Rule(
        _each(allowed.__contains__), f"is not a known {what}", "one of " + ", ".join(values)
    )


# --- file specifications -------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnSpec:
    """One column: what it holds, whether a value is needed, and its cell rules.

    ``kind`` says how the loaded frame stores it: ``text``, ``number``, ``integer`` or
    ``date``. ``private`` columns (child-level data) never have their values quoted.
    """

    name: str
    expected: str
    kind: str = "text"
    required: bool = True
    rules: tuple[Rule, ...] = ()
    optional_column: bool = False
    private: bool = False


@dataclass(frozen=True)
class FileSpec:
    """One input file: its name, its columns and the columns that identify a row."""

    name: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        """Every column, in the documented order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> ColumnSpec:
        """Return the specification of one column."""
        return next(c for c in self.columns if c.name == name)


def _col(name: str, *rules: Rule, expected: str = "", **kw) -> ColumnSpec:
    # What a column should hold is, unless said otherwise, what its first rule expects.
    return ColumnSpec(name, expected or rules[0].expected, rules=rules, **kw)


def _count(name: str) -> ColumnSpec:
    rules = (IS_NUMBER, NOT_NEGATIVE, WHOLE, at_most(MAX_COUNT))
    return _col(name, *rules, expected=_COUNT, kind="integer")


def _money(name: str, **kw) -> ColumnSpec:
    rules = (IS_NUMBER, NOT_NEGATIVE, IN_PENCE, at_most(MAX_POUNDS))
    return _col(name, *rules, expected=_MONEY, kind="number", required=False, **kw)


def _date(name: str, required: bool = True) -> ColumnSpec:
    return _col(name, IS_DATE, kind="date", required=required)


def _private(column: ColumnSpec) -> ColumnSpec:
    # Every column of cohort.csv is child-level: messages never quote its values.
    return replace(column, private=True)


def _optional(name: str, expected: str, *rules: Rule, **kw) -> ColumnSpec:
    return _col(name, *rules, expected=expected + ", or blank", required=False, **kw)


_COUNT = "a count: a whole number, zero or more"
_MONEY = "an amount in pounds, zero or more, or blank for none"
_AREA = "an area code from areas.csv"
_ALL_COUNT_MEASURES = COUNT_MEASURES + RATE_MEASURES
AT_LEAST_ONE = Rule(lambda s: ~(numbers(s) < 1), "is below 1", "1 or more")
AGE_IN_RANGE = Rule(
    lambda s: ~((numbers(s) < COHORT_AGES[0]) | (numbers(s) > COHORT_AGES[1])),
    "is outside the youth justice age range",
    f"an age from {COHORT_AGES[0]} to {COHORT_AGES[1]}",
    severity="warning",
)

AREAS = FileSpec(
    "areas.csv",
    (
        _col("code", expected="a unique area code (the ONS code where there is one)"),
        _col("name", expected="the area's display name"),
        _col("type", one_of(AREA_TYPES, "area type")),
        _optional("yjs_code", "the code of the area's youth justice service in areas.csv"),
        _optional("pcc_code", "the code of the area's police force area in areas.csv"),
        _optional("region_code", "the code of the area's region in areas.csv"),
    ),
    key=("code",),
)
NEIGHBOURS = FileSpec(
    "neighbours.csv",
    (
        _col("area_code", expected=_AREA),
        _col("neighbour_code", expected=_AREA),
        _optional("rank", "from 1 (closest)", IS_NUMBER, WHOLE, AT_LEAST_ONE, kind="integer"),
        _col("source", expected="the comparator group, e.g. DfE statistical neighbours"),
    ),
    key=("area_code", "neighbour_code", "source"),
)
COUNTS = FileSpec(
    "counts.csv",
    (
        _col("area_code", expected=_AREA),
        _col("measure", one_of(_ALL_COUNT_MEASURES, "measure")),
        _date("period_start"),
        _date("period_end"),
        _col(
            "value",
            IS_NUMBER,
            NOT_NEGATIVE,
            at_most(MAX_FIGURE),
            expected="a number, zero or more",
            kind="number",
        ),
        _col("source", expected="where the figure was published"),
    ),
    key=("area_code", "measure", "period_start", "period_end"),
)
KPIS_FILE = FileSpec(
    "kpis.csv",
    (
        _col("period", IS_QUARTER),
        _col("kpi", one_of(KPIS, "kpi")),
        _col("cohort", one_of(COHORTS, "cohort")),
        _col("measure", one_of(MEASURES, "measure"), expected="a measure of the kpi"),
        _col("category", expected="the category's display label"),
        _count("count"),
    ),
    key=("period", "kpi", "cohort", "measure", "category"),
)
BOARD_ATTENDANCE = FileSpec(
    "board_attendance.csv",
    (
        _date("meeting_date"),
        _col("partner", expected="the partner agency or member"),
        _col("status", one_of(BOARD_STATUSES, "attendance status")),
    ),
    key=("meeting_date", "partner"),
)
BUDGET = FileSpec(
    "budget.csv",
    (
        _col("year", IS_FINANCIAL_YEAR),
        _col("agency", expected=f"the partner agency, or {BUDGET_TOTAL_AGENCY} for the totals"),
        *(_money(name) for name in BUDGET_MONEY_COLUMNS),
        _money("total", optional_column=True),
    ),
    key=("year", "agency"),
)
COHORT = FileSpec(
    "cohort.csv",
    (
        _col("child_ref", expected="the child's reference", private=True),
        _col("disposal_type", expected="the type of disposal", private=True),
        _private(_date("disposal_start")),
        _private(_date("disposal_end", required=False)),
        _optional(
            "age", "age in years", IS_NUMBER, WHOLE, AGE_IN_RANGE, kind="integer", private=True
        ),
        *(
            _optional(name, f"the child's {name.replace('_', ' ')}", private=True)
            for name in ("sex", "ethnicity", "send", "care_status", "offence_group")
        ),
    ),
    key=("child_ref", "disposal_type", "disposal_start", "disposal_end"),
)
POPULATION = FileSpec(
    "population.csv",
    (
        _col("group_type", one_of(POPULATION_GROUP_TYPES, "group type")),
        _col("group", expected="the group's label, as used in cohort.csv"),
        _col(
            "population",
            IS_NUMBER,
            NOT_NEGATIVE,
            NOT_ZERO,
            at_most(MAX_FIGURE),
            expected="a number of children, more than zero (leave out a group with none)",
            kind="number",
        ),
    ),
    key=("group_type", "group"),
)
FEEDBACK = FileSpec(
    "feedback.csv",
    (
        _col("survey", expected="the survey's name"),
        _col("question", expected="the question asked"),
        _col("response", expected="the response given"),
        _count("count"),
    ),
    key=("survey", "question", "response"),
)
AUDITS = FileSpec(
    "audits.csv",
    (
        _col("audit", expected="the audit's name"),
        _date("date"),
        _col("grade", expected="the grade given"),
    ),
)

NATIONAL_FILES: dict[str, FileSpec] = {
    "areas": AREAS,
    "neighbours": NEIGHBOURS,
    "counts": COUNTS,
}
LOCAL_FILES: dict[str, FileSpec] = {
    "kpis": KPIS_FILE,
    "board_attendance": BOARD_ATTENDANCE,
    "budget": BUDGET,
    "cohort": COHORT,
    "population": POPULATION,
    "feedback": FEEDBACK,
    "audits": AUDITS,
}

# --- running the rules -------------------------------------------------------------------------


def _failing(cells: pd.Series, rule: Rule) -> pd.Series:
    """The non-blank cells that break ``rule`` (a rule that cannot decide is broken)."""
    given = cells.dropna()
    if given.empty:
        return given
    passed = rule.test(given).fillna(False).astype(bool).to_numpy()
    return given[~passed]


def check_cells(cells: pd.DataFrame, spec: FileSpec, shown: str) -> list[Problem]:
    """Every cell of ``cells`` that breaks its column's rules, as problems.

    A blank cell where a value is needed is one problem; a non-blank cell is tested by each
    of its column's rules in turn, and each rule it breaks is one problem, quoting the cell
    unless the column is private. Columns the file lacks are left to the reader, which
    reports them in plain words.

    Parameters
    ----------
    cells
        The file's cells as written: strings, blanks as missing, indexed by the row number
        a spreadsheet shows (the header is row 1).
    spec
        The file's specification.
    shown
        The file's path as shown in messages.

    Returns
    -------
    list of Problem
        One per failing cell and rule, in row order, then column order.
    """
    problems = []
    for col in spec.columns:
        if col.name not in cells.columns:
            continue
        values = cells[col.name]
        if col.required:
            problems += [
                Problem(shown, "is blank", int(row), col.name, "", col.expected)
                for row in values.index[values.isna()]
            ]
        for rule in col.rules:
            message = rule.message + (" (value withheld)" if col.private else "")
            problems += [
                Problem(
                    shown,
                    message,
                    int(row),
                    col.name,
                    None if col.private else str(value),
                    rule.expected,
                    rule.severity,
                )
                for row, value in _failing(values, rule).items()
            ]
    return sorted(problems, key=lambda p: p.row)
