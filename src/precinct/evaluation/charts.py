"""Plotly figures of the scorecards, as JSON for Plotly.newPlot in the page.

A reader judges a line by its height above the axis, so the axis starts where the scale
does: shares from 0 % to 100 %, percentages from 0 to 100, the 1–5 survey scale over its
whole range, counts and times from 0. An autoscaled axis cut at 0.993 made a change from
0.993 to 0.9945 look like a cliff. A trend needs a few points: with fewer the page says so
in words instead of drawing one or two dots.
"""

import plotly.graph_objects as go

from precinct.core.numbers import plotly_separators

MIN_POINTS = 3

# The whole scale of a bounded unit; every other unit is a count or a time, drawn from 0.
FULL_RANGE = {"share": (0, 1), "%": (0, 100), "1–5": (1, 5), "index": (0, 100)}


def points(series: list[dict], key: str = "value") -> int:
    """How many periods of the series have a value."""
    return sum(p.get(key) is not None for p in series)


def trend_figure(
    series: list[dict], *, title: str, key: str = "value", unit: str = ""
) -> str | None:
    """A line over periods with the interval as error bars where there is one; ``None`` when
    the series has fewer than ``MIN_POINTS`` values (the page says so in words)."""
    if points(series, key) < MIN_POINTS:
        return None
    shown = [p for p in series if p.get(key) is not None]  # no empty periods on the axis
    error = None
    if any(_has_interval(p, key) for p in shown):
        # Intervals as error bars: periods without one leave no stray marks.
        error = {
            "type": "data",
            "symmetric": False,
            "array": [_gap(p.get("upper"), p.get(key)) for p in shown],
            "arrayminus": [_gap(p.get(key), p.get("lower")) for p in shown],
        }
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[p["period"] for p in shown], y=[p[key] for p in shown],
            mode="lines+markers", error_y=error, showlegend=False,
        )
    )  # fmt: skip
    # The title stays in the page, above the chart, where a long name can wrap on a phone;
    # the figure keeps it as its name for the JSON's readers.
    fig.update_layout(
        meta={"title": title},
        height=200,
        margin={"l": 44, "r": 10, "t": 10, "b": 30},
        xaxis={"type": "category"},
        yaxis=_value_axis(unit),
        separators=plotly_separators(),  # "0,99" on ru and kk pages, "0.99" on en ones
    )
    return fig.to_json()


def _value_axis(unit: str) -> dict:
    if unit in FULL_RANGE:
        axis = {"range": list(FULL_RANGE[unit]), "fixedrange": True}
        if unit == "share":
            axis["tickformat"] = ".0%"
        return axis
    return {"rangemode": "tozero", "fixedrange": True}


def _has_interval(p: dict, key: str) -> bool:
    lower, upper = p.get("lower"), p.get("upper")
    return lower is not None and upper is not None and lower != upper


def _gap(a, b):
    return None if a is None or b is None else a - b


def funnel_figure(peers: list[dict], curve: dict, *, title: str, unit: str, labels: dict) -> str:
    """A funnel plot: every comparable department's value against its size, the overall
    value and the 95 % and 99.8 % limits around it; the department itself stands out.

    ``labels`` names, in the reader's language, the axes and lines: ``size``,
    ``departments``, ``this``, ``centre``, ``limits_95`` and ``limits_998``."""
    fig = go.Figure()
    x = curve["size"]
    for key, dash, name in (
        ("998", "dot", labels["limits_998"]),
        ("95", "dash", labels["limits_95"]),
    ):
        for side in ("low", "high"):
            fig.add_trace(
                go.Scatter(
                    x=x, y=curve[f"{side}_{key}"], mode="lines", name=name,
                    line={"dash": dash, "color": "#667085", "width": 1},
                    showlegend=side == "low", hoverinfo="skip",
                )
            )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=[x[0], x[-1]], y=[curve["centre"]] * 2, mode="lines", name=labels["centre"],
            line={"color": "#344054", "width": 1}, hoverinfo="skip",
        )
    )  # fmt: skip
    others = [p for p in peers if not p["self"]]
    mine = [p for p in peers if p["self"]]
    fig.add_trace(
        go.Scatter(
            x=[p["size"] for p in others], y=[p["value"] for p in others], mode="markers",
            name=labels["departments"], marker={"color": "#98a2b3", "size": 7},
        )
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=[p["size"] for p in mine], y=[p["value"] for p in mine], mode="markers",
            name=labels["this"], marker={"color": "#b42318", "size": 11, "symbol": "diamond"},
        )
    )  # fmt: skip
    fig.update_layout(
        meta={"title": title},
        height=260,
        margin={"l": 44, "r": 10, "t": 10, "b": 40},
        xaxis={"type": "log", "title": {"text": labels["size"]}, "fixedrange": True},
        yaxis=_value_axis(unit),
        legend={"orientation": "h", "y": -0.3},
        separators=plotly_separators(),
    )
    return fig.to_json()


def did_figure(series: dict, *, title: str, unit: str, treated: str, comparison: str,
               change: str) -> str | None:  # fmt: skip
    """The treated precincts' mean and the comparison precincts' mean month by month, the
    change's first month marked: parallel lines before it are what the estimate rests on.
    ``None`` without a series (an outcome not measured per precinct)."""
    if not series or not series.get("months"):
        return None
    # Months before any figure (the source starts later) are left off the axis.
    pairs = zip(series["treated"], series["comparison"], strict=True)
    known = [a is not None or b is not None for a, b in pairs]
    first = known.index(True) if any(known) else 0
    months = series["months"][first:]
    fig = go.Figure()
    for name, key, dash in ((treated, "treated", "solid"), (comparison, "comparison", "dot")):
        fig.add_trace(
            go.Scatter(
                x=months, y=series[key][first:], name=name, mode="lines+markers",
                line={"dash": dash}, connectgaps=False,
            )
        )  # fmt: skip
    at = series.get("change_at", 0) - first
    if 0 <= at < len(months):
        fig.add_shape(
            type="line", x0=months[at], x1=months[at], y0=0, y1=1, xref="x", yref="paper",
            line={"dash": "dash", "width": 1, "color": "#666"},
        )  # fmt: skip
        fig.add_annotation(
            x=months[at], y=1, xref="x", yref="paper", text=change, showarrow=False,
            xanchor="left", yanchor="top", font={"size": 11},
        )  # fmt: skip
    fig.update_layout(
        meta={"title": title},
        height=260,
        margin={"l": 44, "r": 10, "t": 10, "b": 30},
        xaxis={"type": "category", "nticks": 6},
        yaxis=_value_axis(unit),
        legend={"orientation": "h", "y": -0.2},
        separators=plotly_separators(),
    )
    return fig.to_json()
