"""Hostile text never reaches a published page, CSV or spreadsheet live; outputs deploy.

One authority is built once for the module with markup and a formula planted in every
plan.yaml text field and every CSV text column that validation accepts (hostile.py), two
narrative images (a PNG, and an SVG that would run script if a page ran it), and its output
folder inside its own params folder, under a umask of 022.
"""

import csv
import io
import json
import os
import re
import shutil
import signal
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from built_pages import PAGES
from hostile import LIVE_TAGS, PLANT, hostile_authority

from yjnb.batch.runner import run
from yjnb.inputs.config import PROFILES
from yjnb.paths import PROJECT_ROOT, TEMPLATES_DIR, Workspace
from yjnb.present.tables import Table, neutralise_formula, restore_formula
from yjnb.publish import spreadsheet
from yjnb.publish.outputs import WORKBOOK, write_index

SLUG = "westmorland-and-furness"
YEAR = "2024-25"
FORMULA = re.compile(r"^[=+\-@\t\r]")
NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    folders = hostile_authority(base, SLUG)
    output = folders["params"] / SLUG / "outputs"  # kept in the params folder: not an input
    workspace = Workspace.from_args(folders["params"], folders["data"], output)
    umask = os.umask(0o022)
    try:
        summary = run(workspace, jobs=2, progress=False)
    finally:
        os.umask(umask)
    assert summary.ok, summary.report()
    return {**folders, "base": base, "workspace": workspace, "year": output / YEAR}


def pages(year: Path) -> list[Path]:
    found = [year / SLUG / p / page for p in PROFILES for page in PAGES]
    return [*found, year / "index.html"]


def test_the_plant_reached_the_fields_the_pages_print(hostile):
    planted = {".".join(str(p) for p in path if isinstance(p, str)) for path in hostile["plan"]}
    for field in (
        "name", "sections.title", "board.members.organisation", "board.members.name",
        "risks.register.risk", "priorities.local.priority", "sign_off.name",
        "workforce.staff.role", "evidence.initiatives.name",
    ):  # fmt: skip
        assert field in planted, field
    assert {"feedback.csv", "audits.csv", "board_attendance.csv", "budget.csv"} <= set(
        hostile["csv"]
    )


RUNNING_HEADER = re.compile(
    r'@page \{ @top-left \{ content: "(?:[A-Za-z0-9]|\\[0-9a-f]{6})*"; \} \}'
)


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_style = tag == "style"
        if self._in_style:
            self.styles.append("")

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles[-1] += data
        else:
            self.text.append(data)


@pytest.mark.parametrize("page", range(5))
def test_no_planted_markup_is_live_in_any_page(hostile, page):
    path = pages(hostile["year"])[page]
    parsed = _Elements()
    parsed.feed(path.read_text(encoding="utf-8"))
    tags = [tag for tag, _ in parsed.elements]
    assert not LIVE_TAGS & set(tags), LIVE_TAGS & set(tags)
    assert tags.count("meta") == 2  # those in the head
    css = (TEMPLATES_DIR / "yjnb" / "style.css").read_text(encoding="utf-8")
    own, *running = parsed.styles
    assert own.strip() == css.strip()  # the page's own styles only
    # and, on plan pages, the printed running header: planted text only as CSS escapes
    assert len(running) == (0 if path.name == "index.html" else 1)
    for rule in running:
        assert RUNNING_HEADER.fullmatch(rule.strip()), rule
    handlers = [(tag, name) for tag, attrs in parsed.elements for name in attrs]
    assert not [(tag, name) for tag, name in handlers if name.startswith("on")]
    sources = [attrs.get("src") or "" for tag, attrs in parsed.elements if tag == "img"]
    assert all(src.startswith("data:image/") for src in sources), sources
    assert "<script>alert(2)</script>" in "".join(parsed.text)  # shown, as text


def test_narrative_images_are_embedded_with_their_text_alternative(hostile):
    parsed = _Elements()
    parsed.feed((hostile["year"] / SLUG / "public" / "plan.html").read_text(encoding="utf-8"))
    images = {a["alt"]: a["src"] for tag, a in parsed.elements if tag == "img"}
    assert images["Staffing structure <b>chart</b>"].startswith("data:image/png;base64,")
    assert images["Service logo"].startswith("data:image/svg+xml;base64,")


def test_in_chromium_no_page_opens_a_dialog_or_makes_a_request(hostile, browser):
    context = browser.new_context()
    try:
        for path in pages(hostile["year"]):
            page = context.new_page()
            dialogs, requests = [], []
            page.on(
                "dialog",
                lambda dialog, seen=dialogs: (seen.append(dialog.message), dialog.dismiss()),
            )
            page.on("request", lambda request, seen=requests: seen.append(request.url))
            page.goto(path.as_uri(), wait_until="load")
            page.wait_for_timeout(100)
            assert not dialogs, (path.name, dialogs)
            elsewhere = [u for u in requests if not u.startswith("data:") and u != path.as_uri()]
            assert not elsewhere, (path.name, elsewhere)
            page.close()
    finally:
        context.close()


# -- CSV and spreadsheets --------------------------------------------------------------------
def _csv_files(year: Path) -> list[Path]:
    return sorted(year.glob("*/*/tables/*.csv")) + sorted(year.glob("tables/*.csv"))


def test_no_published_csv_cell_is_a_formula(hostile):
    files = _csv_files(hostile["year"])
    assert len(files) > 100
    formulas = [
        (path.relative_to(hostile["year"]).as_posix(), cell)
        for path in files
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8")))
        for cell in row
        if FORMULA.match(cell) and not NUMBER.match(cell)
    ]
    assert not formulas, formulas[:5]


@pytest.mark.parametrize(
    "table",
    [
        f"{SLUG}/public/tables/board_members.csv",
        f"{SLUG}/public/tables/risk_register.csv",
        f"{SLUG}/public/tables/feedback_1.csv",
        f"{SLUG}/public/tables/audits.csv",
        f"{SLUG}/board/tables/board_attendance.csv",
        f"{SLUG}/public/tables/budget.csv",
        # (services_indicators.csv is not written here: a 2024-25 plan has no national
        # figure for Westmorland and Furness, which began in April 2023)
        "tables/services_kpis.csv",
    ],
)
def test_planted_formulas_are_published_as_text(hostile, table):
    text = (hostile["year"] / table).read_text(encoding="utf-8")
    assert "'" + PLANT.replace('"', '""') in text


def test_negative_numbers_stay_numbers():
    table = Table(
        "t",
        "caption",
        data=_frame(
            {
                "text": ["=1+1", "+44 1234", "-x", "@SUM(A1)", "\tTab", "-", "'=kept", "-2.4"],
                "change": ["-2.4", "[c]", "-11", "1e-05", "-0", "", "3", "-7"],
                "number": [-2.4, -1.0, 0.5, -3.0, 1.0, 2.0, 3.0, 4.0],
            }
        ),
        view=_frame({}),
    )
    rows = list(csv.reader(io.StringIO(table.to_csv())))
    assert [r[0] for r in rows[1:]] == [
        "'=1+1", "'+44 1234", "'-x", "'@SUM(A1)", "'\tTab", "'-", "''=kept", "-2.4",
    ]  # fmt: skip
    assert [r[1] for r in rows[1:]] == ["-2.4", "[c]", "-11", "1e-05", "-0", "", "3", "-7"]
    assert [r[2] for r in rows[1:]] == ["-2.4", "-1.0", "0.5", "-3.0", "1.0", "2.0", "3.0", "4.0"]
    assert neutralise_formula("\rCR") == "'\rCR"
    for cell in ["=1", "-2", "x", "'-", "'", "''x"]:
        assert restore_formula(str(neutralise_formula(cell))) == cell


def test_a_carriage_return_in_text_never_ends_a_row():
    # A bare carriage return is not quoted by the csv writer with "\n" line endings, so
    # spreadsheets and csv readers end the row there: written as a quoted line feed.
    table = Table(
        "t",
        "caption",
        data=_frame({"text": ["one\rtwo", "three\r\nfour", "\rstart"], "n": [1, 2, 3]}),
        view=_frame({}),
    )
    rows = list(csv.reader(io.StringIO(table.to_csv(), newline="")))
    assert [row[:2] for row in rows] == [
        ["text", "n"], ["one\ntwo", "1"], ["three\nfour", "2"], ["\nstart", "3"]
    ]  # fmt: skip
    assert "\r" not in table.to_csv()


def test_a_heading_that_starts_a_formula_is_guarded():
    table = Table("t", "caption", data=_frame({"=HYPERLINK(1)": ["a"]}), view=_frame({}))
    assert table.to_csv().splitlines()[0] == "'=HYPERLINK(1),illustrative"


def _frame(columns):
    import pandas as pd

    return pd.DataFrame(columns)


def _workbooks(year: Path) -> list[Path]:
    return [*sorted(year.glob(f"*/*/{WORKBOOK}")), year / WORKBOOK]


def test_no_spreadsheet_cell_is_a_formula_and_text_is_kept_as_written(hostile):
    books = _workbooks(hostile["year"])
    assert len(books) == 3 and all(book.exists() for book in books)
    for book in books:
        with zipfile.ZipFile(book) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
            assert sheets
            for name in sheets:
                assert not re.search(r"<f[ >]", archive.read(name).decode()), (book, name)
            strings = archive.read("xl/sharedStrings.xml").decode()
        escaped = PLANT.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert f">{escaped}" in strings, book  # the text itself, without the CSV's guard
        assert f">'{escaped}" not in strings, book


# -- deployment --------------------------------------------------------------------------------
def test_outputs_are_readable_as_the_umask_allows(hostile):
    modes = {
        path.relative_to(hostile["year"]).as_posix(): path.stat().st_mode & 0o777
        for path in [hostile["year"], *hostile["year"].rglob("*")]
    }
    wrong = {
        name: oct(mode)
        for name, mode in modes.items()
        if mode != (0o755 if (hostile["year"] / name).is_dir() else 0o644)
    }
    assert not wrong, wrong


def _contents(path: Path) -> list[tuple[str, str]]:
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as archive:
            return [(f"{path}!{n}", archive.read(n).decode()) for n in archive.namelist()]
    return [(str(path), path.read_text(encoding="utf-8"))]


def test_no_output_names_a_local_folder(hostile):
    absolute = re.compile(
        "|".join(
            rf"(?<![\w.]){re.escape(str(folder))}" for folder in (hostile["base"], PROJECT_ROOT)
        )
    )
    files = [p for p in hostile["year"].rglob("*") if p.is_file()]
    assert len(files) > 100  # pages, tables, spreadsheets, notebooks: not a vacuous search
    found = [
        (name, text[max(match.start() - 80, 0) : match.end() + 20])
        for path in files
        for name, text in _contents(path)
        if (match := absolute.search(text))
    ]
    assert not found, found[:5]
    manifest = json.loads((hostile["year"] / SLUG / "manifest.json").read_text())
    assert not manifest["parameters"]["params_dir"].startswith("/")


def test_an_output_folder_inside_params_is_not_an_input(hostile):
    summary = run(hostile["workspace"], jobs=2, progress=False)
    assert summary.reused == [SLUG] and not summary.built, summary.report()


# -- the year's index: written whole or not at all -----------------------------------------
@pytest.fixture
def year_copy(hostile, tmp_path):
    year = tmp_path / YEAR
    shutil.copytree(hostile["year"], year)
    (year / "index.html").write_text("earlier index", encoding="utf-8")
    (year / WORKBOOK).write_bytes(b"earlier workbook")
    shutil.rmtree(year / "tables")
    (year / "tables").mkdir()
    (year / "tables" / "earlier.csv").write_text("earlier", encoding="utf-8")
    return year


def _index_files(year: Path) -> dict[str, bytes]:
    paths = [year / "index.html", year / WORKBOOK, *sorted((year / "tables").iterdir())]
    return {p.name: p.read_bytes() for p in paths if p.exists()}


def test_an_index_interrupted_while_written_leaves_the_earlier_one(year_copy, monkeypatch):
    earlier = _index_files(year_copy)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(spreadsheet, "write_workbook", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_index(year_copy, YEAR)
    assert _index_files(year_copy) == earlier
    assert not [p.name for p in year_copy.iterdir() if p.name.startswith(".")]


def test_ctrl_c_during_the_index_swap_waits_until_it_is_whole(year_copy, monkeypatch):
    from yjnb.publish import outputs as publish

    swap = publish.swap

    def ctrl_c_then_swap(*args):
        os.kill(os.getpid(), signal.SIGINT)
        swap(*args)

    monkeypatch.setattr(publish, "swap", ctrl_c_then_swap)
    with pytest.raises(KeyboardInterrupt):
        write_index(year_copy, YEAR)
    files = _index_files(year_copy)
    assert files["index.html"].startswith(b"<!DOCTYPE html>")
    assert files[WORKBOOK].startswith(b"PK") and "earlier.csv" not in files
    assert "services_kpis.csv" in files
    assert not [p.name for p in year_copy.iterdir() if p.name.startswith(".")]


def test_the_index_never_replaces_an_authority_named_tables(year_copy):
    shutil.rmtree(year_copy / "tables")
    shutil.copytree(year_copy / SLUG, year_copy / "tables")
    with pytest.raises(ValueError, match="tables holds an authority's build"):
        write_index(year_copy, YEAR)
    assert (year_copy / "tables" / "manifest.json").is_file()
