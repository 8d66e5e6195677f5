"""Charts of section 4: each indicator over every period, and the latest period compared.

Both charts follow the Analysis Function "focus" style: the authority in dark blue, its
statistical neighbours and chosen comparators in grey. Colour is never the only carrier:
the authority's line is thicker, with large markers and a direct label; the region is
dashed and the nation dotted, each labelled at its end; in the comparison chart the shape of
each marker gives the comparison class (triangle down lower, triangle up higher, circle
similar, hollow diamond not assessed, hollow square too few events to compare), explained
in the legend and in the data table. Every chart's text alternative states the finding in
words. A chart with fewer than two periods (trend) or areas (ranked) to compare is not
drawn: a sentence states the figures instead, and its data table is still published.
"""

from __future__ import annotations

import matplotlib as mpl
import pandas as pd
import seaborn as sns

from yjnb.inputs.periods import period_label
from yjnb.present.charts import Chart, lines_by_hue, new_figure, palette, render
from yjnb.present.tables import Table
from yjnb.sections.comparisons import (
    CLASS_WORDS,
    OTHER_PERIOD,
    ROLE_LABELS,
    Comparison,
    comparison_table,
    import_hint,
    left_out_notes,
    methods_note,
    published_decimals,
    ranking,
    shown_value,
)
from yjnb.stats.indicators import INDICATORS, SMALL_COUNT, format_value

CONTEXT_ROLES = ("chosen", "neighbour")
LINE_STYLES = {"region": "--", "nation": ":", "pcc": "-."}
MARKERS = {"lower": "v", "higher": "^", "similar": "o", "not assessed": "D", "too few": "s"}
HOLLOW = ("not assessed", "too few")
DARK_GREY = palette("categorical")[4]  # AF categorical dark grey, for region and nation
TREND_COLUMNS = [
    "area_code", "area_name", "role", "indicator", "period_start", "period_end", "value", "unit",
    "ci_lower", "ci_upper", "basis", "source",
]  # fmt: skip


def trend_chart(comparison: Comparison, indicator: str) -> Chart | Table | None:
    """The indicator over every published period: the authority against its comparators.

    Parameters
    ----------
    comparison
        The authority and its comparators (``plan.indicators``).
    indicator
        A key of :data:`yjnb.stats.indicators.INDICATORS`.

    Returns
    -------
    Chart, Table or None
        The chart, with its data as ``tables/trend_<indicator>.csv``; where the areas have
        figures for fewer than two periods, a sentence stating them in place of the chart;
        None where they have none (the indicator's table says so).
    """
    spec = INDICATORS[indicator]
    rows = _rows(comparison, indicator)
    chart_id = f"trend_{indicator}"
    if rows.empty:
        return None  # the indicator's table says there are no figures: said once
    periods = rows[["period_start", "period_end"]].drop_duplicates().sort_values("period_end")
    labels = [_label(a, b) for a, b in periods.itertuples(index=False)]
    if len(labels) < 2:
        title = f"{spec.label}, {comparison.authority_name} and comparators, {labels[0]}"
        sentence = (
            f"only {labels[0]} is in yjnb's national data for these areas "
            f"({_figures(comparison, indicator, rows)}), so there is no trend to draw. "
            f"To add other years' published figures, {import_hint(indicator)}."
        )
        older = "".join(" " + note for note in left_out_notes(comparison, indicator))
        return _empty(chart_id, title, sentence + older, rows)
    position = dict(zip(periods["period_end"], range(len(labels)), strict=True))
    focus, other = palette("focus")
    figure, axes = new_figure()
    drawing = rows.assign(x=rows["period_end"].map(position))
    drawn = [(code, role) for code, role in _drawing_order(comparison)
             if (rows["area_code"] == code).any()]  # fmt: skip
    names = dict(zip(rows["area_code"], rows["area_name"], strict=False))
    # Each figure drawn as published, in period order (as the rows come).
    line = {"x": "x", "y": "value", "estimator": None, "sort": False}
    context = [code for code, role in drawn if role in CONTEXT_ROLES]
    if context:  # one grey series, a line for each area
        mine = drawing[drawing["area_code"].isin(context)].assign(series="context")
        lines_by_hue(axes, sns.lineplot, "series", {"context": other}, labelled=False,
                     data=mine, units="area_code", linewidth=1.2, marker="o", markersize=3,
                     zorder=2, **line)  # fmt: skip
    groups = {code: f"{ROLE_LABELS[role]}: {names[code]}" for code, role in drawn
              if role not in CONTEXT_ROLES and role != "authority"}  # fmt: skip
    if groups:
        styles = {groups[code]: LINE_STYLES[role] for code, role in drawn if code in groups}
        mine = drawing.assign(group=drawing["area_code"].map(groups)).dropna(subset="group")
        dashes = {group: _dashes(style) for group, style in styles.items()}
        lines_by_hue(axes, sns.lineplot, "group", dict.fromkeys(styles, DARK_GREY), data=mine,
                     style="group", style_order=list(styles), dashes=dashes,
                     markers=dict.fromkeys(styles, "s"), linewidth=2, markersize=4, zorder=4,
                     **line)  # fmt: skip
    own = drawing[drawing["area_code"] == comparison.authority_code]
    if not own.empty:
        name = comparison.authority_name
        lines_by_hue(axes, sns.lineplot, "area_name", {name: focus},
                     data=own.assign(area_name=name), linewidth=3, marker="o", markersize=8,
                     zorder=5, **line)  # fmt: skip
        if own["ci_lower"].notna().any():
            axes.fill_between(own["x"], own["ci_lower"], own["ci_upper"], color=focus, alpha=0.15,
                              linewidth=0, label="95% confidence interval")  # fmt: skip
    ends = [(last.x, last.value, last.area_name, role) for code, role in drawn
            if role not in CONTEXT_ROLES
            for last in drawing[drawing["area_code"] == code].tail(1).itertuples()]  # fmt: skip
    if rows["role"].isin(CONTEXT_ROLES).any():
        axes.plot(
            [],
            [],
            color=other,
            linewidth=1.2,
            marker="o",
            markersize=3,
            label="Statistical neighbours and chosen comparators",
        )
    axes.set_ylim(bottom=0)
    _label_ends(axes, ends, focus)
    axes.set_xticks(range(len(labels)), labels)
    axes.set_xlim(-0.3, len(labels) - 0.3 + 1.6)  # room on the right for the end labels
    axes.set_ylabel(spec.unit)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False, fontsize=8)
    title = f"{spec.label}, {comparison.authority_name} and comparators, {_span(labels)}"
    data = _trend_table(comparison, indicator, rows, periods, labels, chart_id, title)
    return render(figure, chart_id, title, _trend_alt(comparison, indicator, rows, labels), data)


def comparison_chart(comparison: Comparison, indicator: str) -> Chart | Table | None:
    """The latest period, every area ranked, each marked by its comparison with the authority.

    Parameters
    ----------
    comparison
        The authority and its comparators (``plan.indicators``).
    indicator
        A key of :data:`yjnb.stats.indicators.INDICATORS`.

    Returns
    -------
    Chart, Table or None
        The chart, with the comparison table's data as ``tables/comparison_chart_<indicator>
        .csv``; where fewer than two areas have a figure for the period, a sentence stating
        what there is in place of the chart; None where none has (the table says so). Figures
        for other periods are not ranked.
    """
    spec = INDICATORS[indicator]
    table = comparison_table(comparison, indicator)
    same = table.data["value"].notna() & table.data["authority_compared"].ne(OTHER_PERIOD)
    data = table.data[same].sort_values("value", kind="stable")
    chart_id = f"comparison_chart_{indicator}"
    if data.empty:
        return None  # the indicator's table says there are no figures: said once
    if len(data) < 2:
        period = _label(data["period_start"].iloc[0], data["period_end"].iloc[0])
        sentence = (
            f"only {_figures(comparison, indicator, data)} is in yjnb's national data for "
            f"{period}, so there is nothing to rank. To add the other areas' published figures, "
            f"{import_hint(indicator)}."
        )
        return _empty(chart_id, table.caption, sentence, table.data)
    focus, other = palette("focus")
    figure, axes = new_figure(height=max(3.0, 0.32 * len(data) + 1.5))
    names = [
        f"{name} ({ROLE_LABELS[role].lower()})"
        for name, role in zip(data["area_name"], data["role"], strict=True)
    ]
    own = data["area_code"].eq(comparison.authority_code).to_numpy()
    compared = data["authority_compared"]
    verdicts = ["own" if mine else (verdict or "not assessed")
                for mine, verdict in zip(own, compared, strict=True)]  # fmt: skip
    for y, row in enumerate(data.itertuples(index=False)):
        if pd.notna(row.ci_lower):
            spread = [[row.value - row.ci_lower], [row.ci_upper - row.value]]
            colour = focus if own[y] else DARK_GREY
            axes.errorbar(row.value, y, xerr=spread, color=colour, linewidth=1, capsize=3)
    # Markers of one class (or the authority) are one series, drawn as the ranking meets them.
    levels = [comparison.authority_name if v == "own" else CLASS_WORDS[v] for v in verdicts]
    points = pd.DataFrame({"value": data["value"].to_numpy(), "y": range(len(data)),
                           "level": levels})  # fmt: skip
    kinds = dict(zip(levels, verdicts, strict=True))
    colours = {level: focus if kind == "own" else DARK_GREY for level, kind in kinds.items()}
    markers = [MARKERS.get(kind, "o") for kind in kinds.values()]
    marks = lines_by_hue(axes, sns.pointplot, "level", colours, data=points, x="value", y="y",
                         orient="y", native_scale=True, markers=markers, linestyles="none",
                         markersize=8, zorder=5)  # fmt: skip
    for mark, kind in zip(marks, kinds.values(), strict=True):
        if kind == "own":
            mark.set_markersize(11)
        elif kind in HOLLOW:
            mark.set_markerfacecolor("white")
    axes.set_yticks(range(len(data)), names)
    for tick, code in zip(axes.get_yticklabels(), data["area_code"], strict=True):
        if code == comparison.authority_code:
            tick.set_fontweight("bold")
    axes.grid(axis="x", color="#d9d9d9", linewidth=0.8)
    axes.grid(axis="y", visible=False)
    axes.set_xlim(left=0)
    axes.set_xlabel(spec.unit)
    axes.legend(loc="lower right", fontsize=8, frameon=True)
    title = table.caption.replace(" and comparators,", " and comparators ranked,")
    alt = _comparison_alt(comparison, indicator, data)
    chart_table = Table(
        chart_id,
        title,
        table.data,
        table.view,
        table.numeric,
        table.notes,
        table.source,
        highlight=table.highlight,
    )
    return render(figure, chart_id, title, alt, chart_table)


# --- helpers -----------------------------------------------------------------------------


def _rows(comparison: Comparison, indicator: str) -> pd.DataFrame:
    table = comparison.table
    return table[(table["indicator"] == indicator) & table["value"].notna()].sort_values(
        "period_end", kind="stable"
    )


def _drawing_order(comparison: Comparison) -> list[tuple[str, str]]:
    """Grey context first, then pcc, region, nation, the authority last (on top)."""
    rank = {"chosen": 0, "neighbour": 0, "pcc": 1, "region": 2, "nation": 3, "authority": 4}
    return sorted(comparison.roles.items(), key=lambda item: rank[item[1]])


def _dashes(style: str) -> tuple[float, ...]:
    """A matplotlib line style ('--', ':', '-.') as the dash pattern seaborn takes."""
    name = {"--": "dashed", ":": "dotted", "-.": "dashdot"}[style]
    return tuple(mpl.rcParams[f"lines.{name}_pattern"])


def _label(start: str, end: str) -> str:
    return period_label(pd.Timestamp(start).date(), pd.Timestamp(end).date())


def _label_ends(axes, ends: list[tuple], focus: str) -> None:
    """Name the authority, pcc, region and nation at the end of their lines, not overlapping."""
    if not ends:
        return
    gap = axes.get_ylim()[1] * 0.045  # about one line of 9-point text on a 4.5-inch chart
    placed: list[float] = []
    for x, y, name, role in sorted(ends, key=lambda e: e[1]):
        at = max([y] + [p + gap for p in placed])
        placed.append(at)
        own = role == "authority"
        axes.annotate(
            name,
            (x, y),
            xytext=(x + 0.25, at),
            va="center",
            fontsize=9,
            fontweight="bold" if own else "normal",
            color=focus if own else DARK_GREY,
            arrowprops={"arrowstyle": "-", "color": "#BFBFBF", "linewidth": 0.6},
        )


def _trend_table(comparison, indicator, rows, periods, labels, chart_id, title) -> Table:
    data = rows.reindex(columns=TREND_COLUMNS).reset_index(drop=True)
    shown = {
        (r.area_code, r.period_end): shown_value(indicator, r.value, r.basis)
        for r in rows.itertuples(index=False)
    }
    order = [code for code, _ in comparison.roles.items() if code in set(rows["area_code"])]
    view = pd.DataFrame(
        {
            "Area": [comparison.names.get(c, c) for c in order],
            "Comparison group": [ROLE_LABELS[comparison.roles[c]] for c in order],
        }
        | {
            label: [shown.get((c, end), "—") for c in order]
            for label, end in zip(labels, periods["period_end"], strict=True)
        }
    )
    return Table(
        id=chart_id,
        caption=title,
        data=data,
        view=view,
        numeric=tuple(labels),
        notes=(
            f"Unit: {INDICATORS[indicator].unit}. —: not in yjnb's national data.",
            *([methods_note(indicator)] if rows["ci_lower"].notna().any() else []),
            *left_out_notes(comparison, indicator),
        ),
        source="; ".join(sorted(set(rows["source"].dropna()) - {""})),
        highlight=tuple(c == comparison.authority_code for c in order),
    )


def _describe(indicator: str, series: pd.DataFrame, labels: dict) -> str:
    """'fell from 298 in 2016 to 168 in 2024', or 'was 149 in 2024 (the only year published)'."""
    first, last = series.iloc[0], series.iloc[-1]
    value = shown_value(indicator, last["value"], last["basis"])
    if len(series) == 1:
        return f"has a figure for {labels[last['period_end']]} only: {value}"
    old = shown_value(indicator, first["value"], first["basis"])
    verb = "rose" if last["value"] > first["value"] else "fell"
    if last["value"] == first["value"]:
        verb = "was unchanged"
    return (
        f"{verb} from {old} in {labels[first['period_end']]} to {value} in "
        f"{labels[last['period_end']]}"
    )


def _trend_alt(comparison: Comparison, indicator: str, rows: pd.DataFrame, labels) -> str:
    spec = INDICATORS[indicator]
    ends = rows["period_end"]
    by_end = dict(zip(ends, map(_label, rows["period_start"], ends), strict=True))
    parts = [f"Line chart of the {spec.label.lower()} ({spec.unit}), {_span(labels)}."]
    for code, role in comparison.roles.items():
        series = rows[rows["area_code"] == code]
        if role in CONTEXT_ROLES:
            continue
        name = comparison.names.get(code, code)
        if series.empty:
            if role == "authority":
                parts.append(f"{name} has no published figure.")
            continue
        parts.append(f"{name} {_describe(indicator, series, by_end)}.")
    parts.append(_context_sentence(indicator, rows, by_end))
    parts.append(_rank_sentence(comparison, indicator))
    return " ".join(p for p in parts if p)


def _rank_sentence(comparison: Comparison, indicator: str) -> str:
    place = ranking(comparison, indicator)
    if not place:
        return ""
    latest = comparison.latest(indicator)
    latest = latest[latest["value"].notna()]
    own = latest[latest["area_code"] == comparison.authority_code].iloc[0]
    low, high = latest.loc[latest["value"].idxmin()], latest.loc[latest["value"].idxmax()]

    def show(row: pd.Series) -> str:
        return shown_value(indicator, row["value"], row["basis"])

    return (
        f"In {_label(own['period_start'], own['period_end'])}, {comparison.authority_name} "
        f"({show(own)}) was the {place}, which ranged from {show(low)} ({low['area_name']}) "
        f"to {show(high)} ({high['area_name']})."
    )


def _context_sentence(indicator: str, rows: pd.DataFrame, labels: dict) -> str:
    """The grey lines in words: their median in the first and the last period."""
    context = rows[rows["role"].isin(CONTEXT_ROLES)]
    ends = sorted(context["period_end"].unique())
    if len(ends) < 2:
        return ""
    first = context.loc[context["period_end"] == ends[0], "value"]
    last = context.loc[context["period_end"] == ends[-1], "value"]
    if len(first) < 2 or len(last) < 2:
        return ""
    return (
        "The statistical neighbours and chosen comparators (grey lines) had a median of "
        f"{_median(indicator, first)} in {labels[ends[0]]} ({len(first)} areas) "
        f"and {_median(indicator, last)} in {labels[ends[-1]]} "
        f"({len(last)} areas)."
    )


def _median(indicator: str, values: pd.Series) -> str:
    """A median at the precision of the figures it is the median of (98, not 98.0)."""
    median = float(values.median())
    places = max(published_decimals(v) for v in values)
    return (
        format_value(indicator, median) if places else shown_value(indicator, median, "published")
    )


def _span(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else f"{labels[0]} to {labels[-1]}"


def _comparison_alt(comparison: Comparison, indicator: str, data: pd.DataFrame) -> str:
    spec = INDICATORS[indicator]
    period = _label(data["period_start"].iloc[0], data["period_end"].iloc[0])
    areas = f"{len(data)} area{'s' if len(data) != 1 else ''}"
    parts = [
        f"Dot chart of the {spec.label.lower()} ({spec.unit}) in {period}, {areas} from "
        "lowest to highest.",
        _rank_sentence(comparison, indicator),
    ]
    if not data["area_code"].eq(comparison.authority_code).any():
        parts.append(
            f"{comparison.authority_name} has no published figure for {period}, so it is not "
            "compared."
        )
        return " ".join(p for p in parts if p)
    verdicts = data.loc[data["area_code"] != comparison.authority_code, "authority_compared"]
    counts = verdicts.replace("", "not assessed").value_counts()
    words = {
        "lower": "statistically lower than",
        "similar": "similar to",
        "higher": "statistically higher than",
    }
    said = [f"{words[k]} {counts[k]}" for k in words if k in counts]
    if said:
        parts.append(f"{comparison.authority_name} was {', '.join(said)} of the other areas.")
    if "not assessed" in counts:
        n = counts["not assessed"]
        parts.append(
            f"{n} comparison{'s were' if n > 1 else ' was'} not assessed: figures published "
            "without counts have no confidence interval."
        )
    if "too few" in counts:
        n = counts["too few"]
        parts.append(
            f"{n} comparison{'s were' if n > 1 else ' was'} not made: fewer than "
            f"{SMALL_COUNT} events."
        )
    return " ".join(p for p in parts if p)


def _figures(comparison: Comparison, indicator: str, rows: pd.DataFrame) -> str:
    """The figures of a few rows in words: 'England 0.31; Westmorland and Furness 0.05'."""
    return "; ".join(
        f"{comparison.names.get(r.area_code, r.area_name)} "
        f"{shown_value(indicator, r.value, r.basis)}"
        for r in rows.itertuples(index=False)
    )


def _empty(chart_id: str, caption: str, sentence: str, data: pd.DataFrame | None = None) -> Table:
    """A chart not drawn: the sentence shown in its place, and the figures there are."""
    data = pd.DataFrame(columns=TREND_COLUMNS) if data is None else data.reset_index(drop=True)
    return Table(chart_id, caption, data, pd.DataFrame(), empty=sentence)
