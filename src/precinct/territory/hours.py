"""Opening hours in OpenStreetMap's syntax, written out in the reader's language.

Posts keep ``opening_hours`` as OSM writes it ("Mo-Fr 09:00-18:00; Sa 10:00-14:00", "24/7"),
so one stored value reads "Пн–Пт 09:00–18:00; Сб 10:00–14:00" on a Russian page,
"Дс–Жм 09:00–18:00; Сб 10:00–14:00" on a Kazakh one and "Mon–Fri 09:00–18:00; Sat
10:00–14:00" on an English one. The common subset is understood (day ranges and lists,
time ranges, "off", "24/7"); anything richer is shown as the source wrote it.
"""

import re

from django.utils.translation import gettext, pgettext_lazy

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_DAY_NAMES = {
    "Mo": pgettext_lazy("weekday", "Mon"),
    "Tu": pgettext_lazy("weekday", "Tue"),
    "We": pgettext_lazy("weekday", "Wed"),
    "Th": pgettext_lazy("weekday", "Thu"),
    "Fr": pgettext_lazy("weekday", "Fri"),
    "Sa": pgettext_lazy("weekday", "Sat"),
    "Su": pgettext_lazy("weekday", "Sun"),
}
# Russian abbreviations, for values typed the way a Russian sign writes them.
_RUSSIAN_DAYS = dict(zip(("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"), DAYS, strict=True))

_DAY = r"(?:Mo|Tu|We|Th|Fr|Sa|Su)"
_DAYS = rf"{_DAY}(?:-{_DAY})?(?:,{_DAY}(?:-{_DAY})?)*"
_TIME = r"\d{2}:\d{2}-\d{2}:\d{2}"
_RULE = re.compile(rf"^(?P<days>{_DAYS})?\s*(?P<times>off|{_TIME}(?:,{_TIME})*)$")


def from_russian(text: str) -> str:
    """ "Пн–Пт 09:00–18:00, Сб 10:00–14:00" → "Mo-Fr 09:00-18:00; Sa 10:00-14:00"; a text
    that is not of that shape is returned unchanged."""
    value = text.replace("–", "-").replace("—", "-")
    for russian, code in _RUSSIAN_DAYS.items():
        value = value.replace(russian, code)
    value = re.sub(r",\s*(?=" + _DAY + ")", "; ", value)
    return value if parse(value) is not None else text


def parse(value: str) -> list[tuple[str, str]] | None:
    """The rules of an OSM value as (days, times) pairs; None when it is not understood."""
    value = value.strip()
    if value == "24/7":
        return [("", "24/7")]
    rules = []
    for rule in (r.strip() for r in value.split(";")):
        match = _RULE.match(rule)
        if not rule or match is None:
            return None
        rules.append((match["days"] or "", match["times"]))
    return rules or None


def opening_hours_text(value: str) -> str:
    """The hours in the active language; the stored text when it is not OSM's syntax."""
    rules = parse(value or "")
    if rules is None:
        return value or ""
    return "; ".join(_rule_text(days, times) for days, times in rules)


def _rule_text(days: str, times: str) -> str:
    if times == "24/7":
        return gettext("around the clock")
    when = gettext("closed") if times == "off" else times.replace("-", "–").replace(",", ", ")
    if not days:
        return when
    day_words = ", ".join(
        "–".join(str(_DAY_NAMES[d]) for d in span.split("-")) for span in days.split(",")
    )
    return f"{day_words} {when}"
