"""Contents made from a page's headings, each section's own contents, and ways back."""

import re
from html.parser import HTMLParser

from yjnb.publish.navigation import CONTENTS_MARKER, add_navigation, outline, slug

PAGE = (
    f"<main><h1>Performance appendix 2024-25</h1>{CONTENTS_MARKER}"
    '<h2 id="04_performance">Performance</h2><p>a</p>'
    '<h3 id="kpi-ete">KPI 2 Education, training &amp; employment</h3><p>b</p>'
    "<h3>Data notes</h3><p>c</p>"
    '<h2 id="15_performance_appendix">Performance appendix</h2>'
    "<h3>At a <em>glance</em></h3><h3>Data notes</h3><h3>KPI 1 Accommodation</h3>"
    "<p>d</p></main>"
)  # fmt: skip


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self.navs, self.headings = [], [], [], []
        self._heading = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "a":
            self.hrefs.append(attrs["href"])
        if tag == "nav":
            self.navs.append(attrs.get("aria-label") or attrs.get("aria-labelledby"))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))


def _parse(page):
    links = _Links()
    links.feed(page)
    return links


def test_every_heading_gets_a_unique_deterministic_id():
    page, sections = outline(PAGE)
    ids = [s.heading.id for s in sections] + [p.id for s in sections for p in s.parts]
    assert ids == [
        "04_performance", "15_performance_appendix",
        "kpi-ete", "data-notes", "at-a-glance", "data-notes-2", "kpi-1-accommodation",
    ]  # fmt: skip
    assert outline(PAGE)[0] == page  # the same page, the same ids
    assert sections[0].parts[0].text == "KPI 2 Education, training & employment"
    assert slug("KPI 10: Victims (%)") == "kpi-10-victims"


def test_appendix_contents_link_every_section_and_part():
    page = add_navigation(PAGE, parts_in_contents=True)
    links = _parse(page)
    contents = page[page.index('<nav class="contents'):page.index("</nav>")]  # fmt: skip
    wanted = ["04_performance", "kpi-ete", "data-notes", "15_performance_appendix",
              "at-a-glance", "data-notes-2", "kpi-1-accommodation"]  # fmt: skip
    assert re.findall(r'href="#([^"]+)"', contents) == wanted
    assert all(href[1:] in links.ids for href in links.hrefs)  # every link has a target
    assert len(links.ids) == len(set(links.ids))
    assert links.navs == ["contents-title"]  # no section contents where the contents list parts
    assert '<h2 id="contents-title">Contents</h2>' in page
    assert "section-contents" not in page
    assert CONTENTS_MARKER not in page


def test_plan_contents_list_sections_and_each_section_opens_with_its_own():
    page = add_navigation(PAGE, parts_in_contents=False)
    links = _parse(page)
    assert links.navs == [
        "contents-title",
        "In this section: Performance",
        "In this section: Performance appendix",
    ]
    contents = page[page.index('<nav class="contents'):page.index("</nav>")]  # fmt: skip
    assert re.findall(r'href="#([^"]+)"', contents) == [
        "04_performance",
        "15_performance_appendix",
    ]
    # each section's contents come straight after its heading, listing its parts in order
    after = page.split('<h2 id="15_performance_appendix">Performance appendix</h2>')[1]
    own = after[: after.index("</nav>")]
    assert re.findall(r'href="#([^"]+)"', own) == [
        "at-a-glance",
        "data-notes-2",
        "kpi-1-accommodation",
    ]


def test_each_section_ends_with_a_link_back_to_the_contents():
    page = add_navigation(PAGE, parts_in_contents=True)
    back = '<a href="#contents">Back to contents</a>'
    assert page.count(back) == 2
    assert page.index(back) < page.index('<h2 id="15_performance_appendix"')
    assert page.rindex(back) > page.index("<p>d</p>") and page.endswith("</p></main>")
    assert 'id="contents"' in page


def test_headings_stay_in_order_and_the_skip_link_target_is_untouched():
    page = add_navigation('<a href="#main">Skip</a><main id="main">' + PAGE[6:], True)
    levels = _parse(page).headings
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    assert page.startswith('<a href="#main">Skip</a>')


def test_a_page_without_sections_has_no_empty_contents():
    page = add_navigation("<main><h1>Index</h1>" + CONTENTS_MARKER + "<p>x</p></main>", True)
    assert "<nav" not in page and "Back to contents" not in page and CONTENTS_MARKER not in page


def test_a_heading_that_reads_contents_does_not_take_the_contents_id():
    page = add_navigation("<main>" + CONTENTS_MARKER + "<h2>Contents</h2><p>x</p></main>", True)
    assert page.count('id="contents"') == 1 and 'id="contents-2"' in page


def test_the_link_back_goes_before_a_section_element_a_heading_opens():
    page = add_navigation(
        f'<main>{CONTENTS_MARKER}<h2 id="a">A</h2><p>x</p>'
        '<section class="back" aria-labelledby="b"><h2 id="b">B</h2><p>y</p></section></main>',
        True,
    )
    back = '<p class="back-to-contents"><a href="#contents">Back to contents</a></p>'
    assert f'<p>x</p>{back}<section class="back"' in page
    assert page.endswith(f"<p>y</p></section>{back}</main>")
