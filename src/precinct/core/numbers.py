"""Numbers and units as the reader's language writes them: one helper for pages, PDFs, charts.

Russian and Kazakh write "40,54" and "1 234" (a non-breaking space groups thousands), English
"40.54" and "1,234"; units are words of the language ("м", "мин" on ru and kk pages, "m",
"min" on en ones). Django's own ``floatformat`` follows the locale too, but f-strings and
``:.2f`` do not: anything a person reads goes through here.
"""

from django.utils import formats
from django.utils.translation import get_language, pgettext

# Short unit words; the msgids carry a context so "m" is never confused with another "m".
_UNITS = {
    "m": lambda: pgettext("unit", "m"),
    "km": lambda: pgettext("unit", "km"),
    "s": lambda: pgettext("unit", "s"),
    "min": lambda: pgettext("unit", "min"),
    "h": lambda: pgettext("unit", "h"),
    "%": lambda: "%",
}


def number(value, decimals: int = 0, *, grouping: bool = True) -> str:
    """``1234.5`` → "1 234,5" (ru, kk) or "1,234.5" (en); empty for None."""
    if value is None:
        return ""
    # Django's number_format cuts digits off instead of rounding them: round first.
    return formats.number_format(
        round(float(value), decimals),
        decimal_pos=decimals,
        use_l10n=True,
        force_grouping=grouping,
    )


def percent(share, decimals: int = 1) -> str:
    """A share 0–1 as "73,4 %"; empty for None."""
    return "" if share is None else f"{number(float(share) * 100, decimals)}\u00a0%"


def unit(code: str) -> str:
    """The short word for a unit code (m, km, s, min, h) in the active language."""
    return _UNITS[code]()


def quantity(value, code: str, decimals: int = 0) -> str:
    """``792, "m"`` → "792 м" on a ru page, "792 m" on an en one; empty for None."""
    return "" if value is None else f"{number(value, decimals)}\u00a0{unit(code)}"


def minutes(seconds, decimals: int = 0) -> str:
    """Seconds as minutes with the unit: ``750`` → "13 мин"."""
    return "" if seconds is None else quantity(float(seconds) / 60, "min", decimals)


def plotly_separators() -> str:
    """Plotly's ``layout.separators``: the decimal mark, then the thousands one."""
    decimal = formats.get_format("DECIMAL_SEPARATOR", get_language(), use_l10n=True)
    thousands = formats.get_format("THOUSAND_SEPARATOR", get_language(), use_l10n=True)
    return f"{decimal}{thousands}"
