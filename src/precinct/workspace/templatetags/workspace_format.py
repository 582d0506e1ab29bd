"""Figures of the workspaces in the reader's locale: decimal comma in ru and kk, units
translated, a dash where there is nothing to measure. Values are rounded first: Django's
``number_format`` cuts digits off (66.67 would read 66.6)."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()
NOTHING = "—"


@register.filter
def share(value) -> str:
    """0.734 -> '73,4 %' (ru, kk) or '73.4 %' (en)."""
    return NOTHING if value is None else f"{number_format(round(value * 100, 1), 1)} %"


@register.filter
def rating(value) -> str:
    """A mean rating out of five: '4,2 / 5'."""
    return NOTHING if value is None else f"{number_format(round(value, 1), 1)} / 5"


@register.filter
def minutes(value) -> str:
    """Minutes with one decimal and the unit in the reader's language."""
    if value is None:
        return NOTHING
    return _("%(minutes)s min") % {"minutes": number_format(round(value, 1), 1)}


@register.filter
def against(found) -> str:
    """A share against the city's funnel limits, in words; a dash without one."""
    if not found:
        return NOTHING
    return {
        "as_expected": _("as expected"),
        "better_95": _("higher than expected"),
        "better_998": _("clearly higher than expected"),
        "worse_95": _("lower than expected"),
        "worse_998": _("clearly lower than expected"),
    }[found["verdict"]]


@register.filter
def figure(pair, side: str) -> object:
    """``pair[side]`` of a {"precinct": …, "city": …} figure."""
    return pair.get(side)
