"""Every published page in a real browser: axe-core at WCAG 2.2 A and AA, and the structure
the Public Sector Bodies Accessibility Regulations ask for, at full width, at 400% zoom
(320 CSS pixels) and in print."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from built_pages import AXE_OPTIONS, bundled_pages

PAGES = bundled_pages()

STRUCTURE = """() => {
  const all = (selector) => Array.from(document.querySelectorAll(selector));
  const levels = all('h1, h2, h3, h4, h5, h6').map((h) => Number(h.tagName[1]));
  const tables = all('table');
  return {
    lang: document.documentElement.lang,
    title: document.title,
    levels,
    mains: all('main').length,
    banners: all('body > header').length,
    footers: all('body > footer').length,
    navs: all('nav[aria-labelledby]').length,
    firstLink: all('a')[0] && all('a')[0].getAttribute('href'),
    mainId: document.querySelector('main') && document.querySelector('main').id,
    captions: tables.map((t) => (t.caption ? t.caption.textContent.trim() : '')),
    unscoped: all('thead th:not([scope=col]), tbody th:not([scope=row])').length,
    merged: all('th[colspan], td[colspan], th[rowspan], td[rowspan]')
      .filter((c) => c.colSpan > 1 || c.rowSpan > 1).length,
    leftNumbers: all('td.num, th.num')
      .filter((c) => getComputedStyle(c).textAlign !== 'right').length,
    tablesWithoutNotes: tables.filter((t) => {
      const box = t.closest('.yjnb-table');
      return !box || (box.id !== 'table-services'
        && !box.querySelector('.yjnb-notes a[href$=".csv"]'));
    }).length,
    images: all('img').map((i) => i.getAttribute('alt') || ''),
    figuresWithoutData: all('figure').filter((f) => !f.querySelector('table')).length,
    scripts: all('script').length,
  };
}"""


@pytest.fixture
def page_file(batch, request):
    return batch.output / request.param


@pytest.mark.parametrize("page_file", PAGES, indirect=True)
def test_no_wcag_a_or_aa_violation_wide_or_zoomed(page_file, open_page):
    axe = Axe()
    for width, height in ((1280, 900), (320, 256)):  # 320 x 256: 1280 x 1024 at 400% zoom
        page = open_page(page_file, width, height)
        results = axe.run(page, options=AXE_OPTIONS)
        assert results.violations_count == 0, f"at {width}px: {results.generate_report()}"


@pytest.mark.parametrize("page_file", PAGES, indirect=True)
def test_structure_headings_landmarks_and_tables(page_file, open_page):
    found = open_page(page_file).evaluate(STRUCTURE)
    assert found["lang"] == "en-GB" and found["title"]
    levels = found["levels"]
    assert levels.count(1) == 1 and levels[0] == 1, levels
    skipped = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    assert not skipped, f"heading levels skipped: {skipped}"
    assert (found["mains"], found["banners"], found["footers"]) == (1, 1, 1)
    assert found["navs"] >= 1
    assert found["firstLink"] == "#main" and found["mainId"] == "main"
    assert all(found["captions"]), found["captions"]
    assert found["unscoped"] == 0 and found["merged"] == 0 and found["leftNumbers"] == 0
    assert found["tablesWithoutNotes"] == 0
    assert all(alt.strip() for alt in found["images"])
    assert found["figuresWithoutData"] == 0 and found["scripts"] == 0


@pytest.mark.parametrize("page_file", PAGES, indirect=True)
def test_self_contained_and_reflows_at_400_percent(page_file, open_page):
    page = open_page(page_file, 320, 256)
    foreign = [url for url in page.requests if not url.startswith(("file://", "data:"))]
    assert not foreign, f"requests to other hosts: {foreign}"
    local = [url for url in page.requests if url.startswith("file://")]
    assert local == [page_file.resolve().as_uri()], "only the page itself is loaded"
    # Only data tables may scroll sideways, inside their own regions: never the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.mark.parametrize("page_file", PAGES, indirect=True)
def test_prints_without_navigation_aids(page_file, open_page):
    page = open_page(page_file, media="print")
    hidden = page.evaluate(
        "() => ['.skip-link', '.downloads'].every((s) => !document.querySelector(s)"
        " || getComputedStyle(document.querySelector(s)).display === 'none')"
    )
    assert hidden
    assert page.pdf(format="A4").startswith(b"%PDF")
