"""Pages on paper: the print stylesheet, and `yjnb run --pdf` through the installed Chromium."""

import re
import shutil

import pytest
from built_pages import CHROMIUM

from yjnb.batch.runner import RunSummary, _print, run
from yjnb.paths import Workspace
from yjnb.publish.pdf import (
    ChromiumMissing,
    find_chromium,
    pages_to_print,
    print_pdfs,
    running_header,
)

SLUG = "westmorland-and-furness"
PRINTED = """() => {
  const style = (el) => getComputedStyle(el);
  const shown = (sel) => Array.from(document.querySelectorAll(sel))
    .filter((el) => style(el).display !== 'none').length;
  const rows = Array.from(document.querySelectorAll('tr'));
  const heads = Array.from(document.querySelectorAll('thead'));
  const sections = Array.from(document.querySelectorAll('main > h2, main h2[id]'))
    .filter((h) => !h.closest('nav'));
  const page = document.documentElement.clientWidth;
  return {
    rows: rows.length,
    rowsKept: rows.filter((r) => style(r).breakInside === 'avoid').length,
    heads: heads.length,
    headsRepeated: heads.filter((h) => style(h).display === 'table-header-group').length,
    sections: sections.length,
    sectionsOnNewPage: sections.filter((h) => style(h).breakBefore === 'page').length,
    navigation: shown('.section-contents, .back-to-contents, .skip-link, .downloads'),
    contents: shown('nav.contents'),
    wider: Array.from(document.querySelectorAll('table, figure'))
      .filter((el) => el.getBoundingClientRect().right > page + 1).length,
  };
}"""


def _pdf_pages(path):
    return len(re.findall(rb"/Type\s*/Page\b", path.read_bytes()))


@pytest.mark.parametrize("name", ["plan.html", "performance-appendix.html"])
def test_print_stylesheet_keeps_rows_whole_and_starts_each_section_on_a_page(
    batch, open_page, name
):
    year = next(batch.output.iterdir()).name
    path = batch.output / year / SLUG / "public" / name
    # A4 less its margins, at 96 pixels an inch: the width the printed page lays out in.
    page = open_page(path, width=680, media="print")
    printed = page.evaluate(PRINTED)
    assert printed["rows"] > 50 and printed["rowsKept"] == printed["rows"]
    assert printed["heads"] > 10 and printed["headsRepeated"] == printed["heads"]
    assert printed["sections"] >= 2 and printed["sectionsOnNewPage"] == printed["sections"]
    assert printed["navigation"] == 0 and printed["contents"] == 1
    assert printed["wider"] == 0  # nothing is cut off, nor shrinks the whole page to fit


def test_running_header_is_a_css_string_no_text_can_break_out_of():
    header = running_header('Sefton "YJS" </style><script>', "Plan 2024-25", "Board version")
    assert re.fullmatch(r'"(?:[A-Za-z0-9]|\\[0-9a-f]{6})*"', header)
    decoded = re.sub(r"\\([0-9a-f]{6})", lambda m: chr(int(m[1], 16)), header[1:-1])
    assert decoded == 'Sefton "YJS" </style><script> \u00b7 Plan 2024-25 \u00b7 Board version'


def test_pdfs_are_written_beside_the_pages(batch, tmp_path):
    year = next(batch.output.iterdir()).name
    folder = tmp_path / "public"
    shutil.copytree(batch.output / year / SLUG / "public", folder)
    pages = pages_to_print([folder])
    assert [p.name for p in pages] == ["plan.html", "performance-appendix.html"]
    printed, failures = print_pdfs(pages, find_chromium(str(CHROMIUM)), at_once=2)
    assert not failures
    assert sorted(p.path.name for p in printed) == ["performance-appendix.pdf", "plan.pdf"]
    plan, appendix = folder / "plan.pdf", folder / "performance-appendix.pdf"
    assert plan.read_bytes().startswith(b"%PDF-")
    # a document, not a screen: every section on its own page, and more besides
    assert _pdf_pages(plan) > 20 and _pdf_pages(appendix) > 5
    assert _pdf_pages(plan) > _pdf_pages(appendix)
    title = re.search(rb"/Title \((.*?)\)\n", plan.read_bytes())[1]
    assert b"Westmorland and Furness Youth Justice Service" in title
    assert not list(folder.glob(".*partial"))  # nothing half-written left
    assert pages_to_print([folder]) == []  # up to date: not printed again


def test_without_chromium_pdf_is_refused_before_anything_is_built(tmp_path, monkeypatch):
    monkeypatch.setenv("YJNB_CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(ChromiumMissing) as caught:
        find_chromium()
    assert "no Chromium at" in str(caught.value) and str(caught.value).startswith("--pdf: ")
    monkeypatch.delenv("YJNB_CHROMIUM")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr("yjnb.publish.pdf.DEBIAN_CHROMIUM", tmp_path / "chromium")
    with pytest.raises(ChromiumMissing, match="apt-get install chromium"):
        find_chromium()
    planned = []
    monkeypatch.setattr("yjnb.batch.runner.plan_jobs", lambda *a, **k: planned.append(a))
    workspace = Workspace.from_args(tmp_path / "p", tmp_path / "d", tmp_path / "o", tmp_path / "n")
    with pytest.raises(ChromiumMissing):
        run(workspace, ["x"], pdf=True)
    assert planned == []  # refused before planning, let alone building


def test_a_run_prints_each_authority_it_built_or_reused_and_says_how_long(batch, tmp_path):
    year = next(batch.output.iterdir()).name
    shutil.copytree(batch.output / year / SLUG, tmp_path / "o" / year / SLUG)
    workspace = Workspace.from_args(tmp_path / "p", tmp_path / "d", tmp_path / "o", tmp_path / "n")
    summary = RunSummary(reused=[SLUG], years={year})
    _print(workspace, summary, ("public",), find_chromium(str(CHROMIUM)), 2)
    assert summary.pdfs == 2 and summary.pdf_authorities == 1 and summary.ok
    folder = tmp_path / "o" / year / SLUG
    assert sorted(p.name for p in folder.rglob("*.pdf")) == [
        "performance-appendix.pdf", "plan.pdf"
    ]  # fmt: skip
    assert {p.parent.name for p in folder.rglob("*.pdf")} == {"public"}
    assert re.search(r"Printed 2 PDFs for 1 authorities in [0-9.]+ s", summary.report())


def test_yjnb_run_pdf_without_chromium_stops_with_a_clear_message(tmp_path, monkeypatch, capsys):
    from yjnb.cli import main

    monkeypatch.setenv("YJNB_CHROMIUM", str(tmp_path / "absent"))
    status = main(["run", "--pdf", "--output-dir", str(tmp_path / "out"), "--no-progress"])
    err = capsys.readouterr().err
    assert status == 2 and "--pdf: no Chromium at" in err and "absent" in err
    assert not list((tmp_path / "out").rglob("*.html"))  # nothing built
