"""Input-validation messages in the request's language.

django-ninja validates input with pydantic, whose messages are English only ("Input
should be a valid integer"). Each pydantic error carries a stable ``type`` and its
parameters (``ctx``), so the API's 400 body is written here from those, in ru, kk or en:
a resident who sent a request in Kazakh reads why it was refused in Kazakh.
"""

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# The wording of each error type. A type not listed gets the general "invalid value".
_PLAIN = {
    "missing": lambda: _("This field is required."),
    "json_invalid": lambda: _("The request body is not valid JSON."),
    "json_type": lambda: _("The request body is not valid JSON."),
    "int_parsing": lambda: _("Enter a whole number."),
    "int_type": lambda: _("Enter a whole number."),
    "int_from_float": lambda: _("Enter a whole number."),
    "float_parsing": lambda: _("Enter a number."),
    "float_type": lambda: _("Enter a number."),
    "finite_number": lambda: _("Enter a number."),
    "decimal_parsing": lambda: _("Enter a number."),
    "bool_parsing": lambda: _("Enter true or false."),
    "bool_type": lambda: _("Enter true or false."),
    "string_type": lambda: _("Enter text."),
    "string_unicode": lambda: _("Enter text."),
    "date_parsing": lambda: _("Enter a date as YYYY-MM-DD."),
    "date_type": lambda: _("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": lambda: _("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_inexact": lambda: _("Enter a date as YYYY-MM-DD."),
    "datetime_parsing": lambda: _("Enter a date and time as YYYY-MM-DDTHH:MM."),
    "datetime_type": lambda: _("Enter a date and time as YYYY-MM-DDTHH:MM."),
    "datetime_from_date_parsing": lambda: _("Enter a date and time as YYYY-MM-DDTHH:MM."),
    "time_parsing": lambda: _("Enter a time as HH:MM."),
    "uuid_parsing": lambda: _("Enter a valid identifier."),
    "url_parsing": lambda: _("Enter a valid web address."),
    "list_type": lambda: _("Enter a list of values."),
    "dict_type": lambda: _("Enter an object of named values."),
    "model_type": lambda: _("Enter an object of named values."),
    "model_attributes_type": lambda: _("Enter an object of named values."),
    "extra_forbidden": lambda: _("This field is not expected here."),
    "timezone_aware": lambda: _("Give the time with its time zone."),
    "timezone_naive": lambda: _("Give the time without a time zone."),
}


def _bound(ctx: dict, key: str) -> str:
    return number_format(ctx.get(key, ""), use_l10n=True)


_WITH_CONTEXT = {
    "greater_than": lambda c: _("Enter a value greater than %(n)s.") % {"n": _bound(c, "gt")},
    "greater_than_equal": lambda c: _("Enter a value of at least %(n)s.") % {"n": _bound(c, "ge")},
    "less_than": lambda c: _("Enter a value less than %(n)s.") % {"n": _bound(c, "lt")},
    "less_than_equal": lambda c: _("Enter a value of at most %(n)s.") % {"n": _bound(c, "le")},
    "string_too_short": lambda c: (
        ngettext(
            "Enter at least %(n)d character.", "Enter at least %(n)d characters.", c["min_length"]
        )
        % {"n": c["min_length"]}
    ),
    "string_too_long": lambda c: (
        ngettext(
            "Enter at most %(n)d character.", "Enter at most %(n)d characters.", c["max_length"]
        )
        % {"n": c["max_length"]}
    ),
    "too_short": lambda c: (
        ngettext("Give at least %(n)d item.", "Give at least %(n)d items.", c["min_length"])
        % {"n": c["min_length"]}
    ),
    "too_long": lambda c: (
        ngettext("Give at most %(n)d item.", "Give at most %(n)d items.", c["max_length"])
        % {"n": c["max_length"]}
    ),
    # The allowed values are the API's own codes, the same in every language.
    "literal_error": lambda c: _("Choose one of: %(values)s.") % {"values": c["expected"]},
    "enum": lambda c: _("Choose one of: %(values)s.") % {"values": c["expected"]},
    "string_pattern_mismatch": lambda c: _("The value does not have the expected form."),
}


def message(error: dict) -> str:
    """The message of one pydantic error (``ValidationError.errors()`` item) for people."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in _PLAIN:
        return _PLAIN[kind]()
    if kind in _WITH_CONTEXT:
        try:
            return _WITH_CONTEXT[kind](ctx)
        except (KeyError, TypeError, ValueError):
            pass  # an unexpected context: the general wording below still names the field
    if kind == "value_error":
        # Our own validators' words (already in the request's language).
        return str(error.get("msg", "")).removeprefix("Value error, ")
    return _("Invalid value.")
