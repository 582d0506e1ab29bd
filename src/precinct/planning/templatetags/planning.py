"""Small formatting helpers of the planning templates."""

from django import template

register = template.Library()


@register.simple_tag
def share(row, index: int = 0) -> str:
    """A coverage row's share within the index-th walking time, as a percentage."""
    return f"{row.share(index) * 100:.1f} %"


@register.filter
def get(mapping, key):
    """mapping[key] in a template."""
    return mapping.get(key, [])


@register.filter
def percent(value) -> str:
    """0.734 -> '73.4 %'; empty for None."""
    return "" if value is None else f"{value * 100:.1f} %"
