"""The recording integrity chart: a precinct's reported and recorded offences per month,
with the range of records expected from the city, as JSON for Plotly.newPlot.

Counts are drawn from 0 (a height a reader can judge); the expected range is the band of
records a precinct recording as the city does would fall in (expected × the ratio's
limits)."""

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from precinct.core.numbers import plotly_separators


def recording_figure(row: dict) -> str:
    """Reported and recorded offences of one precinct per month, and the expected band."""
    months = [m["month"].strftime("%Y-%m") for m in row["months"]]
    low = [_times(m["expected"], m["low"]) for m in row["months"]]
    high = [_times(m["expected"], m["high"]) for m in row["months"]]
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=months, y=high, mode="lines", line={"width": 0}, hoverinfo="skip", showlegend=False,
    ))  # fmt: skip
    fig.add_trace(go.Scatter(
        x=months, y=low, mode="lines", line={"width": 0}, fill="tonexty",
        fillcolor="rgba(120,120,120,0.2)", name=_("Expected range of records"),
    ))  # fmt: skip
    fig.add_trace(go.Scatter(
        x=months, y=[m["reported"] for m in row["months"]], mode="lines+markers",
        name=_("Reported by residents"),
    ))  # fmt: skip
    fig.add_trace(go.Scatter(
        x=months, y=[m["recorded"] for m in row["months"]], mode="lines+markers",
        name=_("Recorded"),
    ))  # fmt: skip
    fig.update_layout(
        meta={"title": row["precinct"]},
        height=260,
        margin={"l": 44, "r": 10, "t": 10, "b": 30},
        xaxis={"type": "category"},
        yaxis={"rangemode": "tozero", "fixedrange": True},
        legend={"orientation": "h", "y": -0.2},
        separators=plotly_separators(),
    )
    return fig.to_json()


def _times(expected, ratio):
    return None if expected is None or ratio is None else expected * ratio
