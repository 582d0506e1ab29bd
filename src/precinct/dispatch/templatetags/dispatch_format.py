"""How the 102 pages write a priority: "П1" on Russian pages, "P1" on English ones."""

from django import template
from django.utils.translation import pgettext

register = template.Library()


def priority_label(priority) -> str:
    """The short label of a priority (1 = emergency) in the reader's language."""
    return pgettext("priority", "P%(n)s") % {"n": priority}


register.filter("priority", priority_label)
