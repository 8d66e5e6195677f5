import re

import pandas as pd
import seaborn as sns
from matplotlib.colors import to_hex

from yjnb.present.charts import bars, lines_by_hue, new_figure, palette, render
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


def test_seaborn_bars_keep_the_palette_colours_and_leave_labels_and_legend_to_the_chart():
    figure, axes = new_figure()
    colours = dict(zip("AB", palette("categorical"), strict=False))
    bars(axes, x=["A", "B"], y=[1.0, 2.0], hue=["A", "B"], palette=colours)
    drawn = [to_hex(bar.get_facecolor()) for bar in axes.patches if bar.get_height()]
    assert drawn == [colour.lower() for colour in colours.values()]  # not desaturated
    assert (axes.get_xlabel(), axes.get_ylabel(), axes.get_legend()) == ("", "", None)
    assert [bar.get_height() for bar in axes.patches if bar.get_height()] == [1.0, 2.0]


def test_seaborn_lines_come_one_a_level_labelled_with_plain_markers_and_no_interval():
    figure, axes = new_figure()
    data = pd.DataFrame({"x": [0, 1, 0, 1], "y": [3.0, 4.0, 1.0, 2.0], "area": list("AABB")})
    focus, other = palette("focus")
    lines = lines_by_hue(axes, sns.lineplot, "area", {"B": other, "A": focus}, data=data,
                         x="x", y="y", estimator=None, marker="o")  # fmt: skip
    assert [line.get_label() for line in lines] == ["B", "A"]  # drawn in order: A on top
    assert [list(line.get_ydata()) for line in lines] == [[1.0, 2.0], [3.0, 4.0]]
    assert [line.get_color() for line in lines] == [other, focus]
    assert all(line.get_markeredgecolor() == line.get_color() for line in lines)
    assert not axes.collections and axes.get_xlabel() == ""  # no band, no label of seaborn's
