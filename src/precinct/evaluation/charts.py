"""Plotly figures of the scorecards, as JSON for Plotly.newPlot in the page."""

import plotly.graph_objects as go


def trend_figure(series: list[dict], *, title: str, key: str = "value") -> str:
    """A line over periods with the interval as a band where there is one."""
    periods = [p["period"] for p in series]
    values = [p[key] for p in series]
    fig = go.Figure()
    if any(p.get("lower") is not None and p.get("lower") != p.get(key) for p in series):
        fig.add_trace(
            go.Scatter(
                x=periods + periods[::-1],
                y=[p["upper"] for p in series] + [p["lower"] for p in series][::-1],
                fill="toself",
                line={"width": 0},
                fillcolor="rgba(31,119,180,0.2)",
                hoverinfo="skip",
                showlegend=False,
            )
        )
    fig.add_trace(go.Scatter(x=periods, y=values, mode="lines+markers", showlegend=False))
    fig.update_layout(
        title={"text": title, "font": {"size": 13}},
        height=220,
        margin={"l": 40, "r": 10, "t": 36, "b": 30},
        xaxis={"type": "category"},
    )
    return fig.to_json()
