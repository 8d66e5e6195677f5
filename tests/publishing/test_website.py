"""outputs/<year>/website/: what a service may publish, and nothing else, with no local path.

The links are read here with the standard library's HTML parser, not yjnb's own reader, so
a reader that missed a link would not hide it.
"""

import json
import os
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from test_year_index import year_dir  # noqa: F401  (the fixture: three planted authorities)

from yjnb.paths import PROJECT_ROOT
from yjnb.publish.outputs import write_index
from yjnb.publish.website import WebsiteError, write_website

NOT_PUBLISHED = ("board", "notebooks")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found += [value for name, value in attrs if name in ("href", "src") and value]


def page_links(page: Path) -> list[str]:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.found


def files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def assert_publishable(website: Path) -> None:
    """Nothing but public pages, tables and spreadsheets; every link a file inside."""
    assert (website / "index.html").is_file()
    for path in files(website):
        parts = path.relative_to(website).parts
        assert not set(parts) & set(NOT_PUBLISHED), path
        assert path.suffix in (".html", ".csv", ".xlsx", ".pdf"), path
        assert path.name not in ("manifest.json", "board-index.html"), path
        assert "not for publication" not in path.read_bytes().decode("utf-8", "replace").lower()
    for page in website.rglob("*.html"):
        for link in page_links(page):
            parts = urlsplit(link)
            if parts.scheme in ("https", "http", "mailto", "tel", "data") or link.startswith("#"):
                continue
            assert not parts.scheme and not parts.netloc and not link.startswith("/"), link
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_relative_to(website.resolve()), (page, link)
            assert target.is_file(), (page, link)


def public_folder_with_strays(year: Path) -> None:
    """Files an authority's public folder should never hold, to see they are not copied."""
    public = year / "alpha" / "public"
    (public / "notebook.ipynb").write_text("{}")
    (public / "notes.json").write_text("{}")
    (public / ".hidden.html").write_text("<!DOCTYPE html>")


def test_the_website_holds_the_public_pages_and_index_only(year_dir):  # noqa: F811
    public_folder_with_strays(year_dir)
    (year_dir / "alpha" / "notebooks").mkdir()
    (year_dir / "alpha" / "notebooks" / "01_introduction.ipynb").write_text("{}")
    write_index(year_dir, "2024-25")
    website = write_website(year_dir)
    assert website == year_dir / "website"
    assert_publishable(website)
    names = {p.relative_to(website).as_posix() for p in files(website)}
    assert {"index.html", "tables.xlsx", "alpha/public/plan.html", "zeta/public/plan.html",
            "alpha/public/tables.xlsx", "alpha/public/tables/indicators.csv",
            "tables/services_kpis.csv"} <= names  # fmt: skip
    assert not any(n.startswith("board-only/") for n in names)  # built for the board alone
    assert not any(n.endswith((".ipynb", ".json")) or "/." in n for n in names)
    assert (website / "index.html").read_bytes() == (year_dir / "index.html").read_bytes()


@pytest.mark.parametrize(
    "link",
    [
        "../board/plan.html",  # the board's pages, beside the public ones
        "../../board-index.html",  # the board's index, beside the website folder
        "../../../alpha/notebooks/01_introduction.ipynb",  # outside the folder
        "/etc/passwd",
        "file:///home/someone/outputs/2024-25/index.html",
        "missing.html",
    ],
)
def test_a_page_linking_outside_the_folder_leaves_the_earlier_website(year_dir, link):  # noqa: F811
    write_index(year_dir, "2024-25")
    write_website(year_dir)
    earlier = {p: p.read_bytes() for p in files(year_dir / "website")}
    page = year_dir / "alpha" / "public" / "plan.html"
    page.write_text(f'<!DOCTYPE html><a href="{link}">elsewhere</a>')
    with pytest.raises(WebsiteError, match="alpha/public/plan.html links"):
        write_website(year_dir)
    assert {p: p.read_bytes() for p in files(year_dir / "website")} == earlier
    assert not [p.name for p in year_dir.iterdir() if p.name.startswith(".")]


def test_an_interrupted_website_leaves_the_earlier_one(year_dir, monkeypatch):  # noqa: F811
    from yjnb.publish import website as module

    write_index(year_dir, "2024-25")
    write_website(year_dir)
    earlier = {p: p.read_bytes() for p in files(year_dir / "website")}
    (year_dir / "zeta" / "public" / "plan.html").write_text("<!DOCTYPE html>changed")
    copied = []

    def interrupted(source, target):
        copied.append(target)
        if len(copied) == 3:
            raise KeyboardInterrupt
        shutil.copyfile(source, target)

    monkeypatch.setattr(module.shutil, "copyfile", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_website(year_dir)
    assert {p: p.read_bytes() for p in files(year_dir / "website")} == earlier
    assert not [p.name for p in year_dir.iterdir() if p.name.startswith(".")]


def test_the_website_never_replaces_an_authority_built_as_website(year_dir):  # noqa: F811
    write_index(year_dir, "2024-25")
    (year_dir / "website").mkdir()
    (year_dir / "website" / "manifest.json").write_text("{}")
    with pytest.raises(WebsiteError, match="rename that authority"):
        write_website(year_dir)
    assert (year_dir / "website" / "manifest.json").read_text() == "{}"


def test_an_authority_cannot_be_named_website():
    from yjnb.paths import slug_problem

    assert slug_problem("website", "params/website") is not None


# -- a whole build ------------------------------------------------------------------------
def local_forms(batch) -> list[str]:
    """How the build machine's folders could appear in an output, absolute or relative."""
    base = batch.workspace.params_dir.parent  # the test's workspace, under the temp folder
    forms = {str(base), os.path.relpath(base, PROJECT_ROOT), str(PROJECT_ROOT)}
    forms |= {str(Path.home()) + "/", "/tmp/", "pytest-of-"}
    return sorted(forms)


def texts(path: Path):
    """A file's text; a workbook's, member by member."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as book:
            for member in book.namelist():
                yield f"{path}:{member}", book.read(member).decode("utf-8", "replace")
    else:
        yield str(path), path.read_bytes().decode("utf-8", "replace")


def test_no_output_names_a_folder_of_the_build_machine(batch):
    forms = local_forms(batch)
    checked = 0
    for path in files(batch.output):
        for where, text in texts(path):
            found = [form for form in forms if form in text]
            assert not found, (where, found)
            checked += 1
    kinds = {p.suffix for p in files(batch.output)}
    assert {".html", ".csv", ".xlsx", ".ipynb", ".json"} <= kinds and checked > 500


def test_the_executed_notebooks_record_the_workspace_folders_by_name(batch):
    year = next(p for p in batch.output.iterdir() if p.is_dir())
    notebook = next((year / "trafford" / "notebooks").glob("*.ipynb"))
    recorded = json.loads(notebook.read_text(encoding="utf-8"))["metadata"]["papermill"]
    assert recorded["input_path"] == f"notebooks/{notebook.name}"
    assert recorded["output_path"] == f"outputs/{year.name}/trafford/notebooks/{notebook.name}"
    assert recorded["parameters"]["params_dir"] == "params"
    manifest = json.loads((year / "trafford" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["data_dir"] == "data"


def test_a_build_publishes_one_website_folder_per_year(batch):
    for year in (p for p in batch.output.iterdir() if p.is_dir()):
        website = year / "website"
        assert_publishable(website)
        built = [p.parent.name for p in year.glob("*/manifest.json")]
        for slug in built:
            public = sorted(p.relative_to(year / slug) for p in files(year / slug / "public"))
            assert public, slug
            assert sorted(p.relative_to(website / slug) for p in files(website / slug)) == public
        index = (year / "index.html").read_text(encoding="utf-8")
        assert "/board/" not in index and "/notebooks/" not in index
        board = (year / "board-index.html").read_text(encoding="utf-8")
        assert all(f'href="{slug}/board/plan.html"' in board for slug in built)
