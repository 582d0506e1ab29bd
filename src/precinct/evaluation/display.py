"""How scorecard figures are written: units, intervals, trends, peer groups (pages and PDF).

Numbers go through ``core.numbers``, so a Russian or Kazakh scorecard writes "40,54" and an
English one "40.54"; units and peer groups are words of the reader's language, not the
catalog's codes.
"""

import re

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from precinct.core import numbers
from precinct.territory.models import Department

# The catalog's unit codes (evaluation/data/*.toml) as a reader sees them after a value.
UNITS = {
    "share": "",
    "%": "%",
    "1–5": pgettext_lazy("rating scale", "of 5"),
    "minutes": pgettext_lazy("unit", "min"),
    "per 10,000": gettext_lazy("per 10,000 residents"),
    "per 100 staff": gettext_lazy("per 100 officers"),
}


# Where each group's figures come from, in words a resident knows (the technical source of
# each indicator is in the methodology page's appendix).
SOURCES = {
    "crime": gettext_lazy(
        "Official crime statistics (the Unified Register of Pre-trial Investigations)"
    ),
    "response": gettext_lazy(
        "Records of 102 calls: when a call came in and when the police arrived"
    ),
    "appeals": gettext_lazy("The register of residents' appeals and the ratings given to answers"),
    "surveys": gettext_lazy(
        "Surveys of residents with a standard questionnaire on trust in the police"
    ),
    "integrity": gettext_lazy(
        "The registry of confirmed offences of officers and the staff roster"
    ),
    "staffing": gettext_lazy("The staff roster and the number of residents"),
    "coverage": gettext_lazy(
        "The street map (OpenStreetMap), the open posts and where residents live"
    ),
    "priorities": gettext_lazy(
        "The precincts' priorities set with residents, and the dates they were reviewed"
    ),
}


def source_label(group: str) -> str:
    return str(SOURCES.get(group, ""))


def population_bands() -> str:
    """The population bands departments are compared within, as the appendix lists them."""
    return ", ".join(numbers.number(edge) for edge in settings.PRECINCT_EVAL_POPULATION_BANDS)


def unit_label(unit: str) -> str:
    """The unit after a value, in the reader's language (an unknown code as written)."""
    return str(UNITS.get(unit, unit))


def number(x: float, unit: str) -> str:
    if unit == "share":
        return numbers.percent(x)
    return numbers.number(x, 2)


def interval(lower: float | None, upper: float | None, fmt=lambda x: numbers.number(x, 1)) -> str:
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
        suffix = unit_label(unit)
        shown["value"] = number(row["value"], unit) + (f"\u00a0{suffix}" if suffix else "")
    if row["value"] is not None:
        shown["interval"] = interval(row["lower"], row["upper"], lambda x: number(x, unit))
    trend = row["trend"]
    if trend:
        change = trend["change"] * (100 if unit == "share" else 1)
        arrow = "▲" if change > 0 else "▼" if change < 0 else "="
        points = _(" p.p.") if unit == "share" else ""
        verdict = {True: _("better"), False: _("worse"), None: ""}[trend["better"]]
        sign = "+" if change > 0 else "−" if change < 0 else "±"
        shown["trend"] = f"{arrow} {sign}{numbers.number(abs(change), 2)}{points} " + _(
            "since %(p)s"
        ) % {"p": trend["since"]}
        shown["trend"] += f" ({verdict})" if verdict else ""
        shown["trend_class"] = {True: "better", False: "worse", None: ""}[trend["better"]]
    return shown


VERDICTS = {
    "as_expected": gettext_lazy("as expected for its size"),
    "better_95": gettext_lazy("better than expected (95 %)"),
    "better_998": gettext_lazy("clearly better than expected (99.8 %)"),
    "worse_95": gettext_lazy("worse than expected (95 %)"),
    "worse_998": gettext_lazy("clearly worse than expected (99.8 %)"),
}


def funnel(row: dict) -> dict:
    """The indicator against its funnel limits: the verdict, its class, the limits and the
    overall value, in words (empty when the indicator has no funnel)."""
    f = row.get("funnel")
    if not f:
        return {"verdict": "", "class": "", "limits": "", "centre": ""}
    unit = row["unit"]

    def fmt(x):
        return number(x, unit)

    return {
        "verdict": str(VERDICTS[f["verdict"]]),
        "class": f["verdict"].split("_")[0] if f["verdict"] != "as_expected" else "",
        "limits": _("95 %%: %(a)s – %(b)s; 99.8 %%: %(c)s – %(d)s")
        % {
            "a": fmt(f["low_95"]),
            "b": fmt(f["high_95"]),
            "c": fmt(f["low_998"]),
            "d": fmt(f["high_998"]),
        },
        "centre": _("overall %(v)s") % {"v": fmt(f["centre"])},
    }


def funnel_labels() -> dict:
    """The names of a funnel plot's lines and points, in the reader's language."""
    return {
        "departments": _("departments of the same kind"),
        "this": _("this department"),
        "centre": _("overall value"),
        "limits_95": _("95 % limits"),
        "limits_998": _("99.8 % limits"),
    }


def funnel_size_label(kind: str, unit: str) -> str:
    """What a funnel plot's horizontal axis counts."""
    if kind == "proportion":
        return _("cases behind the figure (survey: effective sample)")
    if unit == "per 10,000":
        return _("residents, in tens of thousands")
    return _("officers, in hundreds")


def peer_group(code: str) -> str:
    """A comparison group "district:100k–250k" as words: "District police department,
    100–250 thousand residents"."""
    if not code:
        return ""
    kind, _sep, band = code.partition(":")
    kinds = dict(Department.Kind.choices)
    words = [str(kinds.get(kind, kind))]
    thousands = [numbers.number(int(k)) for k in re.findall(r"(\d+)k", band)]
    if band.startswith("<") and thousands:
        words.append(_("under %(n)s thousand residents") % {"n": thousands[0]})
    elif band.startswith("≥") and thousands:
        words.append(_("%(n)s thousand residents or more") % {"n": thousands[0]})
    elif len(thousands) == 2:
        words.append(_("%(a)s–%(b)s thousand residents") % {"a": thousands[0], "b": thousands[1]})
    else:
        words.append(_("population unknown"))
    return ", ".join(words)


# --- interventions ---------------------------------------------------------------------

# Why an estimate cannot tell, in plain words (reasons of analytics.effects and the adapter).
REASONS = {
    "too_few_units": gettext_lazy(
        "Cannot tell: too few precincts to compare for an interval to mean anything."
    ),
    "too_few_periods": gettext_lazy(
        "Cannot tell: too few months of data before or after the change."
    ),
    "pre_trends_differ": gettext_lazy(
        "Cannot tell: the precincts were already diverging before the change, so a "
        "difference after it need not be its effect."
    ),
    "too_noisy": gettext_lazy(
        "Cannot tell: the figures vary too much from month to month to see an effect "
        "of a plausible size."
    ),
    "not_measured_per_precinct": gettext_lazy(
        "Not measured per precinct: surveys are weighted per department and wave, so a "
        "change in a few precincts cannot be seen in them."
    ),
    "no_data": gettext_lazy(
        "Cannot tell: there are no data for this outcome before or after the change."
    ),
}


def effect_value(value, unit: str, *, signed: bool = True, with_unit: bool = True) -> str:
    """An effect or bound in the outcome's unit: "−1,5 мин", "+0,40 на 1 000 жителей"
    (the bounds of an interval beside it without the unit: "−2,27")."""
    if value is None:
        return ""
    text = numbers.number(abs(value) if signed else value, 1 if unit == "min" else 2)
    if signed:
        text = ("−" if value < 0 else "+") + text
    if not with_unit:
        return text
    if unit == "min":
        return f"{text}\u00a0{numbers.unit('min')}"
    if unit == "per_1000":
        return _("%(value)s per 1,000 residents") % {"value": text}
    return text


def verdict(estimate) -> str:
    """The plain sentence a head reads under an outcome's estimate."""
    if estimate.verdict == "cannot_tell" or estimate.effect is None:
        return str(REASONS.get(estimate.reason, REASONS["too_noisy"]))
    values = {
        "effect": effect_value(estimate.effect, estimate.unit),
        "low": effect_value(estimate.ci_low, estimate.unit, with_unit=False),
        "high": effect_value(estimate.ci_high, estimate.unit, with_unit=False),
        "level": numbers.percent(estimate.level, 0),
    }
    if estimate.verdict == "effect":
        return (
            _("The change moved it by %(effect)s against the comparison precincts "
              "(%(level)s interval %(low)s to %(high)s).") % values
        )  # fmt: skip
    return (
        _("No effect detected: the %(level)s interval, %(low)s to %(high)s, includes no "
          "change at all.") % values
    )  # fmt: skip
