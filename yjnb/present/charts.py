"""Charts: Analysis Function colours, a text alternative that states the finding, data behind.

Every chart is published as a ``<figure>``: the image (inline SVG), a caption, and the table
of the figures it draws, so nothing is carried by colour or by the picture alone. SVG keeps
the chart sharp at any zoom, and its text stays text (drawn in the reader's own sans-serif
font if it lacks DejaVu Sans, the font the layout was measured in): it renders in about
two thirds of the time a PNG takes, and weighs less.

The statistical charts, whose series seaborn maps to colours, are drawn through it (lines by
``lineplot``, points by ``pointplot``, grouped bars by ``barplot``), the colours given by an
Analysis Function palette; yjnb adds what seaborn does not (given intervals, labels on bars
and line ends, its own legend), in matplotlib. Bars of one colour and no grouping (board
attendance, survey answers) are drawn by matplotlib alone: seaborn would add only its cost.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: charts are rendered to files only

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from afcharts.af_colours import get_af_colours  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from yjnb.present.tables import Table  # noqa: E402

HIGHLIGHT = "focus"  # the AF "focus" pair: the authority against everything else
DPI = 100
# Text as <text> in the reader's font, not glyph outlines; element ids the same every run.
SVG_SETTINGS = {"svg.fonttype": "none", "svg.hashsalt": "yjnb"}
# Markers edged in their line's colour at matplotlib's width (seaborn's lines edge them in white).
PLAIN_MARKERS = {"markeredgecolor": None, "markeredgewidth": 1.0}


@cache
def palette(name: str = "categorical") -> tuple[str, ...]:
    """An Analysis Function palette as hex colours ('categorical', 'focus', 'duo', ...)."""
    return tuple(get_af_colours(name))


@dataclass(frozen=True)
class Chart:
    """A rendered chart with its text alternative and the data it draws."""

    id: str
    title: str
    alt: str
    svg: bytes
    data: Table

    def to_html(self) -> str:
        """A figure: image with alt text, caption, and the data table in a details block."""
        encoded = base64.b64encode(self.svg).decode("ascii")
        # Drawn from invented figures: said beside the title, as a table says it in its caption.
        flag = (
            ' <span class="yjnb-flag">(illustrative figures)</span>'
            if self.data.illustrative
            else ""
        )
        return (
            f'<figure class="yjnb-chart" id="chart-{html.escape(self.id)}">'
            f'<figcaption class="yjnb-chart-title">{html.escape(self.title)}{flag}</figcaption>'
            f'<img src="data:image/svg+xml;base64,{encoded}" alt="{html.escape(self.alt)}">'
            f"<details><summary>Figures in this chart</summary>{self.data.to_html()}</details>"
            "</figure>"
        )

    def to_text(self) -> str:
        """The chart's title and text alternative, for text-only viewers."""
        return f"{self.title}\n{self.alt}"


def blank_figure(width: float, height: float) -> plt.Figure:
    """A figure without axes, for a chart that lays out panels of its own."""
    return plt.figure(figsize=(width, height), dpi=DPI)


def new_figure(width: float = 8, height: float = 4.5) -> tuple[plt.Figure, plt.Axes]:
    """A figure in the Analysis Function style: no top or right spines, light grid."""
    figure, axes = plt.subplots(figsize=(width, height), dpi=DPI)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#d9d9d9", linewidth=0.8)
    axes.set_axisbelow(True)
    return figure, axes


def lines_by_hue(
    axes: plt.Axes,
    plot: Callable[..., Any],
    hue: str,
    palette: dict[str, str],
    labelled: bool = True,
    **kws: Any,
) -> list[Line2D]:
    """Draw one line per hue level with a seaborn line function (``lineplot``, ``pointplot``).

    Levels are drawn in the order of ``palette`` (level -> colour), later ones on top, with
    markers edged as matplotlib edges them; each line is labelled with its level for the
    chart's own legend (every level must then have data), or left out of it
    (``labelled=False``: a level may then be drawn as several lines, one per ``units``).
    Figures are drawn as given: seaborn draws no interval of its own.
    """
    before = len(axes.lines)
    _draw(plot, axes, hue=hue, hue_order=list(palette), palette=palette, errorbar=None,
          **PLAIN_MARKERS | kws)  # fmt: skip
    drawn = axes.lines[before:]
    if labelled:
        for line, level in zip(drawn, palette, strict=True):
            line.set_label(level)
    return drawn


def bars(axes: plt.Axes, **kws: Any) -> None:
    """Bars drawn by seaborn's ``barplot``, each figure as given, in the palette's own colours.

    seaborn would otherwise desaturate the colours by a quarter and draw an interval.
    """
    _draw(sns.barplot, axes, saturation=1, errorbar=None, **kws)


def _draw(plot: Callable[..., Any], axes: plt.Axes, **kws: Any) -> None:
    """Draw with a seaborn function, leaving the legend and the axis labels to the chart.

    seaborn names an unnamed axis after the data's column, first laying out the tick labels
    to see whether they show (a third of the time it takes): the axes are named for the call.
    """
    labels = {"xlabel": axes.get_xlabel(), "ylabel": axes.get_ylabel()}
    axes.set(**{name: label or "-" for name, label in labels.items()})
    plot(ax=axes, legend=False, **_as_categories(kws))
    axes.set(**labels)


def _as_categories(kws: dict[str, Any]) -> dict[str, Any]:
    """Text variables as pandas categoricals, which seaborn takes as categories at once.

    Given plain text, seaborn tests every value to decide whether the variable is numeric.
    """
    data = kws.get("data")
    for name in ("x", "y", "hue", "style", "units"):
        value = kws.get(name)
        if isinstance(value, str) and data is not None and data[value].dtype == object:
            data = data.assign(**{value: data[value].astype("category")})
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            kws = kws | {name: pd.Categorical(value, categories=list(dict.fromkeys(value)))}
    return kws if data is None else kws | {"data": data}


def render(figure: plt.Figure, chart_id: str, title: str, alt: str, data: Table) -> Chart:
    """Render a figure to a chart, closing the figure."""
    svg = to_svg(figure)
    plt.close(figure)
    return Chart(chart_id, title, alt, svg, data)


def to_svg(figure: plt.Figure) -> bytes:
    """Lay a figure out and write it as SVG (deterministic: no date, no software named)."""
    buffer = io.BytesIO()
    figure.tight_layout()
    # tight_layout leaves a placeholder layout engine, for which savefig lays the figure out
    # once more before drawing it: the layout is done, so there is no engine to run.
    figure.set_layout_engine(None)
    with matplotlib.rc_context(SVG_SETTINGS):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()
