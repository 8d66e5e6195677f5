"""The published appendix: complete in both profiles, and safe to publish.

One batch builds sections 4, 12 and 15 (the appendix, which opens with the KPI headlines at a
glance in section 4, and audits) for two bundled authorities (Trafford's small numbers
hide the most). Then, for every public table, an auditor independent of yjnb.present.suppress
proves that no hidden count can be worked out from everything published, and every public
file is searched for values planted in cohort.csv.
"""

import json
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from disclosure_attack import attack
from disclosure_audit import HIDDEN, Reader, is_hidden

from yjnb.cli import main
from yjnb.inputs.schemas import COHORT_PARTS, MEASURE_BASES
from yjnb.sections.cohort import disposal_tiers

ROOT = Path(__file__).resolve().parent.parent
AUTHORITIES = ("trafford", "warwickshire", "westmorland-and-furness")
THRESHOLD = 5
KPIS = ("accommodation", "ete", "send", "mental_health", "substance_misuse", "oocd",
        "wider_services", "board_attendance", "serious_violence", "victims")  # fmt: skip
PLANTED = {
    "child_ref": "PLANTED-REF-Q7X9Z",
    "disposal_type": "Planted order Q7X9Z",
    "disposal_start": "2023-10-17",
    "disposal_end": "2023-12-13",
    "offence_group": "Planted offence Q7X9Z",
    "case_notes": "Planted free text Q7X9Z about the child",
}


def plant(data: Path) -> None:
    path = data / "local" / "westmorland-and-furness" / "cohort.csv"
    cohort = pd.read_csv(path, dtype=str).assign(case_notes="")
    child = {**cohort.iloc[0].to_dict(), **PLANTED}
    pd.concat([cohort, pd.DataFrame([child])]).to_csv(path, index=False)


def copy_workspace(root: Path) -> dict[str, Path]:
    ws = {"params": root / "params", "data": root / "data", "output": root / "outputs"}
    shutil.copytree(ROOT / "data" / "national", ws["data"] / "national")
    for slug in AUTHORITIES:
        shutil.copytree(ROOT / "params" / slug, ws["params"] / slug)
        shutil.copytree(ROOT / "data" / "local" / slug, ws["data"] / "local" / slug)
    return ws


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    ws = copy_workspace(tmp_path_factory.mktemp("appendix"))
    for slug in AUTHORITIES:
        plan = ws["params"] / slug / "plan.yaml"
        sections = "sections: [04_performance, 12_standards, 15_performance_appendix]\n"
        plan.write_text(plan.read_text() + sections)
    plant(ws["data"])
    args = ["run", "--params-dir", str(ws["params"]), "--data-dir", str(ws["data"]),
            "--output-dir", str(ws["output"]), "--jobs", "2", "--no-progress"]  # fmt: skip
    assert main(args) == 0
    return ws["output"] / "2024-25"


def tables(built: Path, slug: str, profile: str) -> dict[str, pd.DataFrame]:
    folder = built / slug / profile / "tables"
    return {p.stem: pd.read_csv(p, dtype=object) for p in sorted(folder.glob("*.csv"))}


def number(value):
    return None if value is None or pd.isna(value) else value


# --- completeness ------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", AUTHORITIES)
def test_both_profiles_have_the_full_appendix(built, slug):
    for profile in ("board", "public"):
        found = tables(built, slug, profile)
        for kpi in KPIS:
            data = found[f"kpi_{kpi}"]
            assert {"period", "kpi", "cohort", "measure", "category", "count", "percent"} <= set(
                data.columns
            )
        for name in ("kpi_headlines", "cohort_summary", "cohort_profile", "disproportionality",
                     "board_attendance", "audits", "feedback_1"):  # fmt: skip
            assert name in found, name
        page = (built / slug / profile / "performance-appendix.html").read_text(encoding="utf-8")
        for number_ in range(1, 11):
            assert f"KPI {number_} " in page
        assert "Disproportionality" in page and "Voice of the child" in page
    assert tables(built, slug, "board").keys() == tables(built, slug, "public").keys()


@pytest.mark.parametrize("slug", AUTHORITIES)
def test_the_board_sees_everything_and_the_public_sees_suppressed_figures(built, slug):
    board = "".join(p.read_text() for p in (built / slug / "board" / "tables").glob("*.csv"))
    public = "".join(p.read_text() for p in (built / slug / "public" / "tables").glob("*.csv"))
    assert HIDDEN not in board and HIDDEN in public
    page = (built / slug / "public" / "performance-appendix.html").read_text(encoding="utf-8")
    assert "[c]: a count from 1 to 5 is not shown" in page


# --- nothing hidden can be worked out ---------------------------------------------------------


def kpi_reader(board: dict, public: dict) -> tuple[Reader, list[str]]:
    """Every KPI count in the public tables, the sums a reader knows, and direct leaks."""
    reader, leaks = Reader(THRESHOLD), []
    for name in [n for n in board if n.startswith("kpi_") and not n.endswith("_chart")]:
        if name in ("kpi_headlines", "kpi_board_attendance"):
            continue
        b, p = board[name], public[name]
        assert len(b) == len(p)
        for (_, t), (_, s) in zip(b.iterrows(), p.iterrows(), strict=True):
            key = (t["kpi"], t["period"], t["cohort"], t["measure"], t["category"])
            reader.cell(key, t["count"], s["count"])
            total = (*key[:4], "Total")
            if number(t["total"]) is not None:
                reader.cell(total, t["total"], s["total"])
            if (
                number(t["previous_period"]) is not None
                and number(t["previous_count"]) is not None
            ):
                before = (key[0], t["previous_period"], *key[2:])
                reader.cell(before, t["previous_count"], s["previous_count"])
            leaks += derived_leaks(key, s)
        add_kpi_sums(reader, b)
    heads_b, heads_p = board["kpi_headlines"], public["kpi_headlines"]
    for (_, t), (_, s) in zip(heads_b.iterrows(), heads_p.iterrows(), strict=True):
        if t["kpi"] == "board_attendance":
            continue
        key = (t["kpi"], t["period"], t["cohort"], t["measure"], t["category"])
        if number(t.get("rate_per_10000")) is not None:  # the serious violence rate
            if not is_hidden(s["rate_per_10000"]) and key in reader.hidden - reader.shown:
                leaks.append(f"headline {key}: a rate of a hidden count")
            continue
        reader.cell(key, t["count"], s["count"])
        if number(t["total"]) is not None and t["category"] != "Total":
            reader.cell((*key[:4], "Total"), t["total"], s["total"])
        if not is_hidden(s["percent"]) and number(s["percent"]) is not None:
            if is_hidden(s["count"]) or is_hidden(s["total"]):
                leaks.append(f"headline {key}: a percentage of a hidden count")
    return reader, leaks


def derived_leaks(key: tuple, shown: pd.Series) -> list[str]:
    leaks = []
    count_hidden = is_hidden(shown["count"])
    if number(shown["percent"]) is not None and not is_hidden(shown["percent"]):
        if count_hidden or is_hidden(shown["total"]):
            leaks.append(f"{key}: percentage of a hidden count or total")
    for column in ("change", "percent_points_change"):
        value = number(shown.get(column))
        if value is not None and not is_hidden(value):
            if count_hidden or is_hidden(shown["previous_count"]):
                leaks.append(f"{key}: {column} of a hidden count")
    total_change = number(shown.get("total_change"))
    if total_change is not None and not is_hidden(total_change) and is_hidden(shown["total"]):
        leaks.append(f"{key}: change of a hidden total")
    rate = number(shown.get("rate_per_10000"))
    if rate is not None and not is_hidden(rate) and count_hidden:
        leaks.append(f"{key}: rate of a hidden count")
    words = number(shown.get("change_in_words"))
    if words is not None and words != HIDDEN and words != "—" and count_hidden:
        leaks.append(f"{key}: change in words of a hidden count")
    return leaks


def add_kpi_sums(reader: Reader, board: pd.DataFrame) -> None:
    columns = ["kpi", "period", "cohort", "measure", "category"]
    frame = board.assign(key=list(board[columns].itertuples(index=False, name=None)))
    for (kpi, period, cohort, measure), part in frame.groupby(
        ["kpi", "period", "cohort", "measure"]
    ):
        if part["total"].notna().all():
            reader.sum((kpi, period, cohort, measure, "Total"), list(part["key"]))
    years = frame[~frame["period"].str.contains(" Q")]
    for row in years.itertuples():
        same = (frame["cohort"] == row.cohort) & (frame["measure"] == row.measure)
        quarters = frame[frame["period"].str.startswith(row.period + " Q") & same]
        mine = quarters[quarters["category"] == row.category]
        reader.sum(row.key, list(mine["key"]))
        total = row.key[:4] + ("Total",)
        reader.sum(total, [(row.kpi, q, row.cohort, row.measure, "Total")
                           for q in dict.fromkeys(quarters["period"])])  # fmt: skip
    for (kpi, measure), (base, category) in MEASURE_BASES.items():
        for period, cohort in set(zip(frame["period"], frame["cohort"], strict=True)):
            reader.sum((kpi, period, cohort, measure, "Total"),
                       [(kpi, period, cohort, base, category or "Total")])  # fmt: skip
    whole, parts = COHORT_PARTS
    for key in frame.loc[(frame["kpi"] == "ete") & (frame["cohort"] == whole), "key"]:
        for category in (key[4], "Total"):
            reader.sum((key[0], key[1], whole, key[3], category),
                       [(key[0], key[1], p, key[3], category) for p in parts])  # fmt: skip


def cohort_reader(board: dict, public: dict) -> tuple[Reader, list[str]]:
    reader, leaks = Reader(THRESHOLD), []
    b, p = board["cohort_profile"], public["cohort_profile"]
    assert len(b) == len(p)
    for (_, t), (_, s) in zip(b.iterrows(), p.iterrows(), strict=True):
        key = (t["year"], t["measure"], t["characteristic"], t["group"])
        reader.cell(key, t["count"], s["count"])
        if is_hidden(s["count"]) and not is_hidden(s["percent"]):
            leaks.append(f"{key}: percentage of a hidden count")
    summary_b = board["cohort_summary"].set_index(["year", "figure"])["value"]
    summary_p = public["cohort_summary"].set_index(["year", "figure"])["value"]
    for (year, figure), value in summary_b.items():
        if figure in ("children", "disposals"):
            reader.cell((year, figure, "all", "Total"), value, summary_p[(year, figure)])
        elif not is_hidden(summary_p[(year, figure)]):
            ages = p[(p["year"] == year) & (p["characteristic"] == "age")]
            if ages["count"].map(is_hidden).any():
                leaks.append(f"{year}: average age shown beside hidden age counts")
    keys = list(zip(b["year"], b["measure"], b["characteristic"], b["group"], strict=True))
    for year, measure in {(k[0], k[1]) for k in keys}:
        for characteristic in {k[2] for k in keys}:
            reader.sum((year, measure, "all", "Total"),
                       [k for k in keys if k[:3] == (year, measure, characteristic)])  # fmt: skip
        for tier in set(disposal_tiers().values()):
            kinds = [k for k in keys if k[:3] == (year, measure, "disposal_type")
                     and disposal_tiers().get(k[3]) == tier]  # fmt: skip
            reader.sum((year, measure, "tier", tier), kinds)
    for key in keys:
        if key[1] == "children":
            reader.bound(key, (key[0], "disposals", *key[2:]))
    dis_b, dis_p = board["disproportionality"], public["disproportionality"]
    for (_, t), (_, s) in zip(dis_b.iterrows(), dis_p.iterrows(), strict=True):
        key = (t["year"], "children", t["group_type"], t["group"])
        if key in reader.truth or t["cohort_count"] != "0":
            reader.cell(key, t["cohort_count"], s["cohort_count"])
        shown_ratio = not is_hidden(s["rri"]) and number(s["rri"]) is not None
        if (shown_ratio or not is_hidden(s["cohort_percent"])) and is_hidden(s["cohort_count"]):
            leaks.append(f"{key}: ratio or share of a hidden count")
    return reader, leaks


def feedback_reader(board: dict, public: dict) -> tuple[Reader, list[str]]:
    reader, leaks = Reader(THRESHOLD), []
    for name in [n for n in board if n.startswith("feedback_")]:
        b, p = board[name], public[name]
        for (_, t), (_, s) in zip(b.iterrows(), p.iterrows(), strict=True):
            key = (t["survey"], t["question"], t["response"])
            reader.cell(key, t["count"], s["count"])
            reader.cell((*key[:2], "Total"), t["total"], s["total"])
            if is_hidden(s["count"]) and not is_hidden(s["percent"]):
                leaks.append(f"{key}: percentage of a hidden count")
        for (survey, question), part in b.groupby(["survey", "question"]):
            reader.sum((survey, question, "Total"),
                       [(survey, question, r) for r in part["response"]])  # fmt: skip
    return reader, leaks


@pytest.mark.parametrize("slug", AUTHORITIES)
@pytest.mark.parametrize("kind", ["kpis", "cohort", "feedback"])
def test_no_hidden_count_can_be_worked_out_from_the_public_tables(built, slug, kind):
    board, public = tables(built, slug, "board"), tables(built, slug, "public")
    reader, leaks = {"kpis": kpi_reader, "cohort": cohort_reader,
                     "feedback": feedback_reader}[kind](board, public)  # fmt: skip
    assert reader.hidden, "nothing is hidden: the audit would prove nothing"
    assert leaks == []
    assert reader.recoverable() == []


@pytest.mark.parametrize("slug", AUTHORITIES)
def test_a_determined_reader_narrows_no_withheld_kpi_count(built, slug):
    # Every figure of every public KPI table, headline and chart, and every relation the
    # docs state, in one integer programme: no withheld count is pinned to one or two values.
    attacker = attack(built / slug)
    withheld = attacker.withheld - attacker.shown
    assert len(withheld) > 100, "too little withheld for the attack to prove anything"
    assert attacker.leaks == []
    assert attacker.verdict() == {"recovered": [], "narrowed": []}


@pytest.mark.parametrize("slug", AUTHORITIES)
def test_public_tables_say_how_much_they_withhold_and_the_board_sees_the_share(built, slug):
    folder = built / slug
    page = (folder / "public" / "performance-appendix.html").read_text(encoding="utf-8")
    found = re.findall(r"([\d,]+) of the ([\d,]+) figures in this table (?:is|are) withheld", page)
    assert found and all(0 < int(n.replace(",", "")) <= int(m.replace(",", "")) for n, m in found)
    board = (folder / "board" / "performance-appendix.html").read_text(encoding="utf-8")
    assert "Withheld in the public version" in board
    listed = r"<li>KPI 1 Accommodation: [^<]*: ([\d,]+) of ([\d,]+) figures \(([\d.]+)%\)"
    share = re.search(listed, board)
    assert share, "the board's notes give no share for KPI 1"
    # KPI 1's table on the page: its parts, up to the next KPI's heading.
    start = page.index('id="table-kpi_accommodation"')
    shown = page[start : page.index('id="kpi-', start)]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", shown, re.S)
    assert sum(HIDDEN in cell for cell in cells) == int(share.group(1))
    assert len(cells) == int(share.group(2))


@pytest.mark.parametrize("slug", AUTHORITIES)
def test_charts_show_no_figure_their_table_hides(built, slug):
    public = tables(built, slug, "public")
    for name in [n for n in public if n.startswith("kpi_") and n.endswith("_chart")]:
        chart = public[name]
        table = public[name.removesuffix("_chart")]
        for row in chart.itertuples():
            match = table[(table["period"] == row.period) & (table["cohort"] == row.cohort)
                          & (table["measure"] == row.measure)
                          & (table["category"] == row.category)].iloc[0]  # fmt: skip
            column = "percent" if row.unit == "percent" else "count"
            if is_hidden(match[column]):
                assert is_hidden(row.value), (name, row)


# --- no child-level data -------------------------------------------------------------------


def public_texts(built: Path, slug: str):
    folder = built / slug
    files = [*(folder / "public").rglob("*"), folder / "manifest.json", built / "index.html"]
    for path in files:
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                for member in book.namelist():
                    yield f"{path}:{member}", book.read(member).decode("utf-8", "replace")
        elif path.is_file():
            yield str(path), path.read_text(encoding="utf-8", errors="replace")


def test_nothing_planted_in_cohort_csv_reaches_a_public_file(built):
    slug = "westmorland-and-furness"
    texts = list(public_texts(built, slug))
    assert any(name.endswith(".html") for name, _ in texts)
    for value in PLANTED.values():
        for variant in {value, value.lower(), json.dumps(value)[1:-1]}:
            found = [name for name, text in texts if variant in text]
            assert not found, f"{value!r} published in {found}"
    for day in ("17 Oct 2023", "13 Dec 2023"):
        assert not [name for name, text in texts if day in text]


def test_nothing_child_level_reaches_the_executed_notebooks(built):
    notebooks = built / "westmorland-and-furness" / "notebooks"
    text = "".join(p.read_text(encoding="utf-8") for p in notebooks.glob("*.ipynb"))
    for field in ("child_ref", "disposal_start", "disposal_end", "case_notes"):
        assert PLANTED[field] not in text
