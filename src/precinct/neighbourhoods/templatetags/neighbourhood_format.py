"""How the neighbourhood pages write their figures: in the page's language, a value
withheld by the small-count rule as "fewer than N", a figure without data in words."""

from django import template
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from precinct.core import numbers
from precinct.neighbourhoods.figures import Figure, min_count

register = template.Library()


@register.filter
def figure(value: Figure | None, kind: str) -> str:
    """A figure as the reader reads it (``kind``: count, share, rating, seconds)."""
    if value is None or value.why == "none":
        return _("no data")
    if value.why == "few":
        return (
            _("fewer than %(n)s") % {"n": min_count()}
            if kind == "count"
            else _("too few to publish")
        )
    if kind == "count":
        return numbers.number(value.value)
    if kind == "share" and value.n_eff is not None:
        return _("%(value)s (effective sample %(n)s)") % {
            "value": numbers.percent(value.value, 0),
            "n": numbers.number(value.n_eff),
        }
    if kind == "share":
        return numbers.percent(value.value, 0)
    if kind == "rating":
        return _("%(rating)s of 5") % {"rating": numbers.number(value.value, 1)}
    return numbers.minutes(value.value, 1)


@register.filter
def against_verdict(against: dict | None) -> str:
    """Where a figure lies against the funnel limits of the area above, in words."""
    if not against or not against.get("verdict"):
        return ""
    return verdict_words(against["verdict"])


@register.filter
def verdict_words(verdict: str) -> str:
    """A funnel verdict ("as_expected", "better_95" …) in words; "" for none."""
    if not verdict:
        return ""
    return {
        "as_expected": _("as expected"),
        "better_95": _("higher than expected"),
        "better_998": _("clearly higher than expected"),
        "worse_95": _("lower than expected"),
        "worse_998": _("clearly lower than expected"),
    }[verdict]


@register.filter
def count_or_few(value: int | None) -> str:
    """A count already through the small-count rule: None reads "fewer than N"."""
    return figure(Figure.few() if value is None else Figure(value), "count")


@register.filter
def span(pair) -> str:
    """A period of whole months: "Dec 2025 – Feb 2026"."""
    start, end = pair
    return f"{dateformat.format(start, 'M Y')} – {dateformat.format(end, 'M Y')}"


@register.simple_tag
def figure_label(key: str, minutes: int = 15) -> str:
    """The name of a figure on the neighbourhood pages."""
    labels = {
        "answered": _("Appeals answered"),
        "on_time": _("Appeals answered on time"),
        "rating": _("Residents' rating of the answers"),
        "calls": pgettext("102 calls received", "Calls to 102"),
        "arrival_p50": _("102: median time to arrive"),
        "arrival_within": _("102: arrivals within the target time"),
        "coverage": _("Residents within %(minutes)s minutes' walk of an open post")
        % {"minutes": minutes},
        "trust": _("Residents who trust the local police (survey)"),
        "safety": _("Residents who feel safe after dark (survey)"),
    }
    return labels[key]
