import pandas as pd

from yjnb.charts import new_figure, palette, render
from yjnb.tables import Table


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
    assert small_chart().png == small_chart().png


def test_html_has_alt_text_caption_and_data_behind():
    html = small_chart().to_html()
    assert 'alt="B&#x27;s value (2) is twice A&#x27;s (1)."' in html
    assert "<figcaption" in html and "<details>" in html and "<caption>Values by area" in html
    assert 'src="data:image/png;base64,' in html
