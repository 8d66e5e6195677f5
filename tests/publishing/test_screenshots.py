"""Pages render in a real browser with their charts visible, on screen and on paper."""

import io

import nbformat
import pandas as pd
import pytest
from axe_playwright_python.sync_playwright import Axe
from built_pages import AXE_OPTIONS, bundled_pages
from PIL import Image

from yjnb.inputs.config import Section
from yjnb.plan import TABLE_MIME, table_payload
from yjnb.present.charts import new_figure, palette, render
from yjnb.present.tables import Table
from yjnb.publish.outputs import Executed, render_page

FIGURES = """() => Array.from(document.querySelectorAll('figure')).map((f) => {
  const img = f.querySelector('img');
  const box = img.getBoundingClientRect();
  return {complete: img.complete, natural: img.naturalWidth, width: box.width,
          height: box.height, visible: getComputedStyle(img).visibility === 'visible'};
})"""
PUBLIC_PLANS = [p for p in bundled_pages() if p.endswith("/public/plan.html")]


def chart_page(tmp_path):
    """A one-section page holding a chart, as Plan.show publishes it."""
    data = pd.DataFrame({"year": ["2022", "2023", "2024"], "rate": [180.0, 150.0, 131.0]})
    view = pd.DataFrame({"Year": data["year"], "Rate per 100,000": ["180.0", "150.0", "131.0"]})
    table = Table("fte_trend", "First time entrants rate, 2022 to 2024", data, view,
                  numeric=("Rate per 100,000",), source="Youth Justice Statistics")  # fmt: skip
    figure, axes = new_figure()
    axes.bar(data["year"], data["rate"], color=palette("categorical")[0])
    axes.set_ylabel("Rate per 100,000 children aged 10-17")
    chart = render(
        figure, "fte_trend", "First time entrants rate, 2022 to 2024",
        "Bar chart: the rate fell each year, from 180 in 2022 to 131 in 2024.", table,
    )  # fmt: skip
    heading = '<h2 id="04_performance">Performance over the previous year</h2>'
    outputs = [
        nbformat.v4.new_output(
            "display_data", data=bundle, metadata={"yjnb": {"profile": "public"}}
        )
        for bundle in (
            {"text/html": heading, "text/plain": "Performance"},
            {"text/html": chart.to_html(), "text/plain": chart.to_text(),
             TABLE_MIME: table_payload(table)},
        )
    ]  # fmt: skip
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("plan.show(chart)", outputs=outputs)]
    section = Section("04_performance", "Performance over the previous year")
    html = render_page(
        [Executed(section, notebook, 0.0)], "public", "Performance appendix 2024-25",
        "Example Youth Justice Service", ["Example footer."],
    )  # fmt: skip
    path = tmp_path / "chart.html"
    path.write_text(html, encoding="utf-8")
    return path


def test_chart_is_drawn_in_the_browser_in_analysis_function_colours(tmp_path, open_page):
    page = open_page(chart_page(tmp_path))
    [figure] = page.evaluate(FIGURES)
    assert figure["complete"] and figure["natural"] > 300 and figure["visible"]
    assert figure["width"] > 300 and figure["height"] > 150
    shot = Image.open(io.BytesIO(page.locator("figure img").screenshot())).convert("RGB")
    colours = {colour for _, colour in shot.getcolors(maxcolors=1 << 20)}
    dark_blue = tuple(int(palette("categorical")[0][i : i + 2], 16) for i in (1, 3, 5))
    assert dark_blue in colours  # the bars, in the first Analysis Function colour
    assert Axe().run(page, options=AXE_OPTIONS).violations_count == 0


def test_chart_data_is_printed_with_the_chart(tmp_path, open_page):
    page = open_page(chart_page(tmp_path), media="print")
    # The figures behind the chart sit in a closed <details>: on paper they are shown.
    height = page.evaluate("document.querySelector('figure details table').offsetHeight")
    assert height > 0


@pytest.mark.parametrize("plan", PUBLIC_PLANS)
def test_public_plan_renders_with_every_chart_visible(batch, plan, open_page, tmp_path):
    page = open_page(batch.output / plan)
    for figure in page.evaluate(FIGURES):
        assert figure["complete"] and figure["natural"] > 0 and figure["visible"], figure
        assert figure["width"] > 100 and figure["height"] > 50, figure
    shot = Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("RGB")
    shot.save(tmp_path / "plan.png")  # kept with the test's files, to look at
    width, height = shot.size
    assert width == 1280 and height > 2000
    assert len(shot.getcolors(maxcolors=1 << 20)) > 50  # a rendered page, not a blank one
