"""Template filters over ``core.numbers``: ``{% load numbers %}``, then ``{{ x|num:1 }}``."""

from django import template

from precinct.core import numbers

register = template.Library()


@register.filter
def num(value, decimals=0) -> str:
    """A number with the locale's decimal mark and thousands grouping."""
    return numbers.number(value, int(decimals))


@register.filter
def pct(share, decimals=1) -> str:
    """A share 0–1 as a percentage: 0.734 → "73,4 %"."""
    return numbers.percent(share, int(decimals))


@register.filter
def metres(value) -> str:
    """Metres with the unit word of the page's language: "792 м"."""
    return numbers.quantity(value, "m")


@register.filter
def minutes(seconds, decimals=0) -> str:
    """Seconds shown as minutes with the unit word: "13 мин"."""
    return numbers.minutes(seconds, int(decimals))


@register.filter
def unit(code) -> str:
    """The unit word (m, km, s, min, h) in the page's language."""
    return numbers.unit(code)
