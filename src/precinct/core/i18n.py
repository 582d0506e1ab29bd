"""Names a program writes (a generated post's name, a demo room) in every language at once.

Database rows keep a name per language (``name``, ``name_kk``, ``name_en``: see
``territory.models.NamedMixin``); when the name is made from a pattern, the pattern is a
translatable message and each language's value is that language's translation.
"""

from django.utils import translation

# The column of each language: Russian is the official name, the others beside it.
NAME_FIELDS = {"ru": "name", "kk": "name_kk", "en": "name_en"}


def in_every_language(message, field: str = "name", **params) -> dict[str, str]:
    """``{"name": ru, "name_kk": kk, "name_en": en}`` of a (lazy) message with its params;
    ``field`` names the Russian column (``place`` gives place, place_kk, place_en)."""
    values = {}
    for language, column in NAME_FIELDS.items():
        with translation.override(language):
            text = str(message)
            values[column.replace("name", field, 1)] = text % params if params else text
    return values
