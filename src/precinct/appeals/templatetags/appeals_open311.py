"""What an Open311 client added to an appeal, for the staff page."""

from django import template

from precinct.appeals.open311 import service_facts

register = template.Library()


@register.filter
def open311_facts(appeal) -> list[tuple[str, str]]:
    """(question, answer) pairs of the service's questions, in the reader's language."""
    return service_facts(appeal)
