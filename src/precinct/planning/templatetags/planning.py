"""Small formatting helpers of the planning templates."""

from django import template

from precinct.core import numbers

register = template.Library()


@register.simple_tag
def share(row, index: int = 0) -> str:
    """A coverage row's share within the index-th walking time, as a percentage."""
    return numbers.percent(row.share(index))


@register.filter
def get(mapping, key):
    """mapping[key] in a template."""
    return mapping.get(key, [])


@register.filter
def percent(value) -> str:
    """0.734 -> '73,4 %' (ru, kk) or '73.4 %' (en); empty for None."""
    return numbers.percent(value)
