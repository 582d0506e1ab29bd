"""Plotly figures of the scorecards, as JSON for Plotly.newPlot in the page."""

import plotly.graph_objects as go

from precinct.core.numbers import plotly_separators


def trend_figure(series: list[dict], *, title: str, key: str = "value") -> str:
    """A line over periods with the interval as a band where there is one."""
    periods = [p["period"] for p in series]
    values = [p[key] for p in series]
    fig = go.Figure()
    error = None
    if any(p.get("lower") is not None and p.get("lower") != p.get(key) for p in series):
        # Intervals as error bars: periods without a value leave no stray marks.
        error = {
            "type": "data",
            "symmetric": False,
            "array": [_gap(p.get("upper"), p.get(key)) for p in series],
            "arrayminus": [_gap(p.get(key), p.get("lower")) for p in series],
        }
    fig.add_trace(
        go.Scatter(x=periods, y=values, mode="lines+markers", error_y=error, showlegend=False)
    )
    fig.update_layout(
        title={"text": title, "font": {"size": 13}},
        height=220,
        margin={"l": 40, "r": 10, "t": 36, "b": 30},
        xaxis={"type": "category"},
        separators=plotly_separators(),  # "0,99" on ru and kk pages, "0.99" on en ones
    )
    return fig.to_json()


def _gap(a, b):
    return None if a is None or b is None else a - b
