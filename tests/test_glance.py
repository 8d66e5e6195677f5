"""The year at a glance: its heading, the comparators summary, and the plan's link to it.

The comparator figures come from the hand-checked world of section4_world.py: Westmorland
and Furness with 44 first time entrants among 19,101 children, against a neighbour
statistically higher (Cumberland), one similar (Trafford) and one with too few events to
compare (Blackburn with Darwen), a region summed from its members and England published.
"""

from __future__ import annotations

import nbformat
import pandas as pd
import pytest
from section4_world import BLACKBURN, CUMBERLAND, ENGLAND, NORTH_WEST, TRAFFORD, build_world

from yjnb.inputs.config import Section
from yjnb.present.headings import Heading
from yjnb.present.tables import Part, Table
from yjnb.publish.outputs import Executed, _shows, render_page
from yjnb.sections.glance import comparators_at_a_glance, judged_class
from yjnb.stats.indicators import INDICATORS


@pytest.fixture(scope="module")
def glance():
    _, _, comparison = build_world()
    return comparators_at_a_glance(comparison)


def test_every_indicator_here_is_better_lower():
    assert {INDICATORS[k].better for k in ("fte_rate", "reoffending_rate", "custody_rate")} == {
        "lower"
    }


def test_lower_is_better_and_higher_worse_in_words_and_symbols():
    assert judged_class("lower", "lower") == "▼ Lower: ✓ better"
    assert judged_class("higher", "lower") == "▲ Higher: ✗ worse"
    assert judged_class("higher", "higher") == "▲ Higher: ✓ better"
    assert judged_class("similar", "lower") == "● Similar"


def test_the_service_is_summarised_against_region_nation_and_neighbours(glance):
    fte = glance.view.set_index("Indicator").loc["First time entrants, 2023-24"]
    # 44 per 19,101 children, per 100,000: 230.35...; the region summed from its members.
    assert fte["This service"] == "230.4"
    assert fte["Region: North West"] == "287.4" and fte["Nation: England"] == "200"
    assert fte["Statistical neighbours (range)"] == "25.0 to 600.0"
    compared = fte["This service compared"]
    # Cumberland (600) is statistically higher: the service is lower, which is better;
    # Trafford similar; Blackburn (5 events) too few to compare. England has no interval.
    assert compared == (
        "region: ● Similar; nation: Not assessed (no interval); "
        "neighbours: ✓ better than 1, ● similar to 1 (of 3; 1 not compared)"
    )


def test_its_csv_has_a_row_for_each_area_with_what_the_comparison_means(glance):
    data = glance.data.set_index(["indicator", "area_code"])
    assert data.loc[("fte_rate", CUMBERLAND), ["compared", "better_or_worse"]].tolist() == [
        "lower", "better"]  # fmt: skip
    assert data.loc[("fte_rate", TRAFFORD), "compared"] == "similar"
    assert data.loc[("fte_rate", BLACKBURN), "compared"] == "too few"
    assert data.loc[("fte_rate", ENGLAND), "compared"] == "not assessed"
    assert data.loc[("fte_rate", NORTH_WEST), "role"] == "region"
    assert data.loc[("fte_rate", "E06000064"), "value"] == pytest.approx(44 / 19_101 * 100_000)


def test_an_indicator_without_figures_says_so(glance):
    reoffending = glance.view.set_index("Indicator").loc["Reoffending"]
    assert reoffending["This service"] == "no figure"
    assert any(note.startswith("Reoffending: no figure for this service") for note in glance.notes)


def test_a_heading_escapes_its_text_and_refuses_a_bad_id():
    heading = Heading("Risks & <issues>", "at-a-glance", ("Fewer is <better>.",))
    assert heading.to_html() == (
        '<h3 id="at-a-glance">Risks &amp; &lt;issues&gt;</h3><p>Fewer is &lt;better&gt;.</p>'
    )
    with pytest.raises(ValueError, match="id"):
        Heading("x", 'a" onclick="x')


def test_a_table_in_parts_shows_each_with_its_caption_and_one_csv():
    data = pd.DataFrame({"measure": ["a", "b"], "count": [1, 2]})
    parts = (
        Part("a", "Measure A", pd.DataFrame({"Category": ["Yes"], "Q1": ["1"]}), ("Q1",)),
        Part("b", "Measure B", pd.DataFrame({"Category": ["No"], "Q1": ["2"]}), ("Q1",)),
    )
    table = Table("kpi_x", "KPI X: every measure", data, pd.DataFrame({"x": [1, 2]}),
                  parts=parts)  # fmt: skip
    html = table.to_html()
    assert html.count("<table ") == 2 and 'id="table-kpi_x-b"' in html
    assert "<caption>Measure A</caption>" in html and "<caption>Measure B</caption>" in html
    assert html.count('aria-describedby="notes-kpi_x"') == 2
    assert html.count("Download this table as CSV") == 1
    assert '<th scope="row">No</th>' in html and '<td class="num">2</td>' in html
    assert "Measure A\n" in table.to_text() and "Measure B\n" in table.to_text()


def _section(html: str, section_id: str) -> Executed:
    output = nbformat.v4.new_output(
        "display_data", data={"text/html": html}, metadata={"yjnb": {"profile": "public"}}
    )
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("", outputs=[output])]
    return Executed(Section(section_id, "Performance"), notebook, 0.0)


def test_the_plan_links_to_the_glance_from_its_first_screen_when_the_appendix_has_one():
    with_glance = [_section(Heading("At a glance", "at-a-glance").to_html(), "04_performance")]
    assert _shows(with_glance, "public", "at-a-glance")
    assert not _shows(with_glance, "board", "at-a-glance")
    assert not _shows([_section("<p>no glance</p>", "04_performance")], "public", "at-a-glance")
    page = render_page(with_glance, "public", "Youth Justice Plan 2024-25", "Example", [],
                       glance="performance-appendix.html#at-a-glance")  # fmt: skip
    link = page.index('href="performance-appendix.html#at-a-glance"')
    assert page.index("<h1>") < link < page.index('id="at-a-glance"')  # before any section
    plain = render_page(with_glance, "public", "Youth Justice Plan 2024-25", "Example", [])
    assert "yjnb-glance-link" not in plain.split("<main", 1)[1]
