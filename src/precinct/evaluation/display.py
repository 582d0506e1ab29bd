"""How scorecard figures are written: units, intervals, trends (pages and PDF)."""

from django.utils.translation import gettext as _


def number(x: float, unit: str) -> str:
    if unit == "share":
        return f"{x * 100:.1f} %"
    return f"{x:,.2f}".replace(",", "\u202f")


def interval(lower: float | None, upper: float | None, fmt=lambda x: f"{x:.1f}") -> str:
    """ "lower – upper", or why there is none.

    Registry figures carry no interval (empty). An interval whose bounds print alike is no
    interval: the composite index's comes from the survey indicators' standard errors, so a
    department without survey figures (or with too few respondents for an interval) gets
    a Monte Carlo band of zero width; "70.7–70.7" would claim a precision nobody measured.
    """
    if lower is None or upper is None:
        return ""
    low, high = fmt(lower), fmt(upper)
    if low == high:
        return _("no interval: too few observations")
    return f"{low} – {high}"


def indicator(row: dict) -> dict:
    """Value, interval and trend of one indicator as the scorecard shows them."""
    unit = row["unit"]
    shown = {"value": "", "interval": "", "trend": "", "trend_class": ""}
    if row["value"] is not None:
        suffix = "" if unit == "share" else f" {unit}"
        shown["value"] = number(row["value"], unit) + suffix
    if row["value"] is not None:
        shown["interval"] = interval(row["lower"], row["upper"], lambda x: number(x, unit))
    trend = row["trend"]
    if trend:
        change = trend["change"] * (100 if unit == "share" else 1)
        arrow = "▲" if change > 0 else "▼" if change < 0 else "="
        points = _(" p.p.") if unit == "share" else ""
        verdict = {True: _("better"), False: _("worse"), None: ""}[trend["better"]]
        shown["trend"] = f"{arrow} {change:+.2f}{points} " + _("since %(p)s") % {
            "p": trend["since"]
        }
        shown["trend"] += f" ({verdict})" if verdict else ""
        shown["trend_class"] = {True: "better", False: "worse", None: ""}[trend["better"]]
    return shown
