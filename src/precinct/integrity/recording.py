"""Recording integrity: which reports count as reporting an offence, and the indicator's
definition in the methodology.

The 102 and appeal categories are codes of the default classifications (dispatch's
``dispatch/defaults.py``, appeals' migration ``0002_default_categories``); they are kept
here, in one place, because they are this indicator's choice, not the owning apps'.
A category an administrator adds later is not counted until it is listed here.
"""

from types import SimpleNamespace

from precinct.territory.models import name_in_reader_language

# 102 calls whose caller reports an offence: violence, theft or robbery happening or
# past, a domestic conflict (battery and threats, Administrative Offences Code art. 73 and
# Criminal Code arts. 108–110) and disorder (petty hooliganism, hooliganism). Road crashes,
# missing persons and "other" report no offence the street-level records count.
REPORTING_CALL_CATEGORIES = ("violence", "theft_now", "theft_report", "domestic", "public_order")

# Appeals reporting an offence: public order, theft or fraud, drugs, a domestic conflict.
# Noise, traffic, juveniles and the akimat's matters are mostly not offences the records
# count; complaints about officers belong to the integrity registry, not to this indicator.
REPORTING_APPEAL_CATEGORIES = ("public-order", "theft-fraud", "drugs", "domestic")

# Offence records of every category (crime.categories.CATEGORIES): None means all.
RECORDED_CATEGORIES: list[str] | None = None

# The months the indicator looks back over (the trend) and ends with (the latest month
# with records, at most the last complete one).
WINDOW_MONTHS = 24

# The indicator as the methodology defines indicators (evaluation's catalog fields, in
# Russian with _kk and _en): shown on the methodology page; not scored in the index.
DEFINITION = {
    "code": "recording_integrity",
    "group": "integrity",
    "name": "Регистрация правонарушений, о которых сообщили жители",
    "name_kk": "Тұрғындар хабарлаған құқық бұзушылықтарды тіркеу",
    "name_en": "Recording of the offences residents report",
    "definition": (
        "По каждому участку и месяцу: сколько правонарушений зарегистрировано на каждое "
        "сообщение жителей о правонарушении (вызовы 102 и обращения), в сравнении с тем, "
        "сколько регистрирует город в целом при том же числе сообщений. Ожидаемый диапазон "
        "— границы, в которых участок остаётся с вероятностью 99,8 % при регистрации как "
        "по городу. Участок отмечается для службы собственной безопасности, если за "
        "последние месяцы он зарегистрировал меньше нижней границы или если регистрация "
        "снижается заметно быстрее, чем сообщения. Это показатель регистрации, а не "
        "оценка какого-либо человека; отметка — повод проверить, а не доказательство. "
        "В сводный индекс не входит."
    ),
    "definition_kk": (
        "Әр учаске мен ай бойынша: тұрғындардың құқық бұзушылық туралы әр хабарына (102 "
        "қоңыраулары мен өтініштер) қанша құқық бұзушылық тіркелгені, сол хабарлар санында "
        "қала жалпы қанша тіркейтінімен салыстырылады. Күтілетін аралық — учаске қаладағыдай "
        "тіркесе, 99,8 % ықтималдықпен қалатын шектер. Соңғы айларда учаске төменгі шектен аз "
        "тіркесе немесе тіркеу хабарларға қарағанда едәуір жылдам азайса, ол меншікті "
        "қауіпсіздік қызметі үшін белгіленеді. Бұл — тіркеудің көрсеткіші, ешбір адам "
        "туралы баға емес; белгі — тексеруге себеп, дәлел емес. Жиынтық индекске "
        "кірмейді."
    ),
    "definition_en": (
        "For each precinct and month: how many offences were recorded for every report of "
        "an offence by residents (102 calls and appeals), against how many the city as a "
        "whole records for as many reports. The expected range is the limits a precinct "
        "recording as the city does stays within with 99.8 % probability. A precinct is "
        "flagged for internal security when over the recent months it recorded fewer than "
        "the lower limit, or when its recording falls clearly faster than the reports. An "
        "indicator of recording, never a statement about a person; a flag is a reason to "
        "look, not a proof. It is not part of the composite index."
    ),
    "source": (
        "crime.metrics.records_by_precinct_month; dispatch.metrics.calls_by_precinct_month; "
        "appeals.metrics.appeals_by_precinct_month; analytics.recording"
    ),
    "direction": "higher",
    "unit": "ratio",
    "weight": 0,
    "min_data": "Не менее шести месяцев с сообщениями о правонарушениях на участке.",
    "min_data_kk": "Учаскеде құқық бұзушылық туралы хабарлары бар кемінде алты ай.",
    "min_data_en": "At least six months with reports of offences in the precinct.",
}


def definition_in_reader_language() -> dict:
    """The definition's code, name, text and least data in the reader's language."""
    named = SimpleNamespace(**DEFINITION)
    return {
        "code": DEFINITION["code"],
        "group": DEFINITION["group"],
        "name": name_in_reader_language(named, "name"),
        "definition": name_in_reader_language(named, "definition"),
        "min_data": name_in_reader_language(named, "min_data"),
        "source": DEFINITION["source"],
        "direction": DEFINITION["direction"],
        "unit": DEFINITION["unit"],
        "weight": DEFINITION["weight"],
    }
