import re

import pandas as pd

from yjnb.present.charts import new_figure, palette, render
from yjnb.present.tables import Table


def small_chart():
    data = pd.DataFrame({"area": ["A", "B"], "value": [1.0, 2.0]})
    table = Table("chart_data", "Values by area", data, data.rename(columns=str.title))
    figure, axes = new_figure()
    axes.bar(data["area"], data["value"], color=palette("focus"))
    return render(figure, "values", "Values by area", "B's value (2) is twice A's (1).", table)


def test_palette_is_the_analysis_function_one():
    assert palette("categorical")[:2] == ("#12436D", "#28A197")
    assert palette("focus") == ("#12436D", "#BFBFBF")


def test_rendering_is_deterministic():
    assert small_chart().svg == small_chart().svg


def test_svg_keeps_its_text_as_text_and_names_no_date_or_software():
    svg = small_chart().svg.decode()
    labels = re.findall(r"<text style=\"([^\"]*)\"[^>]*>([^<]*)</text>", svg)
    assert [text for _, text in labels][:2] == ["A", "B"]  # searchable, sharp at any zoom
    # In the reader's sans-serif if it lacks the fonts the chart was measured in.
    assert labels and all("sans-serif;" in style for style, _ in labels)
    assert "Matplotlib" not in svg and "<dc:date>" not in svg


def test_html_has_alt_text_caption_and_data_behind():
    html = small_chart().to_html()
    assert 'alt="B&#x27;s value (2) is twice A&#x27;s (1)."' in html
    assert "<figcaption" in html and "<details>" in html and "<caption>Values by area" in html
    assert 'src="data:image/svg+xml;base64,' in html
