"""The regions of the Form 1-M statistics by their canonical key, named in ru, kk and en.

The workbooks and the population table spell regions in English or Russian, differently
from file to file; pages name them in the reader's language from this table instead.
"""

from precinct.territory.models import name_in_reader_language


class RegionName:
    """A region's official names; ``str()`` is the one in the active language."""

    def __init__(self, name: str, name_kk: str, name_en: str):
        self.name, self.name_kk, self.name_en = name, name_kk, name_en

    def __str__(self) -> str:
        return name_in_reader_language(self)


REGIONS = {
    "abai": RegionName("Абайская область", "Абай облысы", "Abai Region"),
    "akmola": RegionName("Акмолинская область", "Ақмола облысы", "Akmola Region"),
    "aktobe": RegionName("Актюбинская область", "Ақтөбе облысы", "Aktobe Region"),
    "almaty-region": RegionName("Алматинская область", "Алматы облысы", "Almaty Region"),
    "almaty-city": RegionName("город Алматы", "Алматы қаласы", "Almaty city"),
    "astana-city": RegionName("город Астана", "Астана қаласы", "Astana city"),
    "atyrau": RegionName("Атырауская область", "Атырау облысы", "Atyrau Region"),
    "east-kazakhstan": RegionName(
        "Восточно-Казахстанская область", "Шығыс Қазақстан облысы", "East Kazakhstan Region"
    ),
    "karaganda": RegionName("Карагандинская область", "Қарағанды облысы", "Karaganda Region"),
    "kazakhstan": RegionName("Республика Казахстан", "Қазақстан Республикасы", "Kazakhstan"),
    "kostanay": RegionName("Костанайская область", "Қостанай облысы", "Kostanay Region"),
    "kyzylorda": RegionName("Кызылординская область", "Қызылорда облысы", "Kyzylorda Region"),
    "mangystau": RegionName("Мангистауская область", "Маңғыстау облысы", "Mangystau Region"),
    "north-kazakhstan": RegionName(
        "Северо-Казахстанская область", "Солтүстік Қазақстан облысы", "North Kazakhstan Region"
    ),
    "pavlodar": RegionName("Павлодарская область", "Павлодар облысы", "Pavlodar Region"),
    "shymkent-city": RegionName("город Шымкент", "Шымкент қаласы", "Shymkent city"),
    "turkistan": RegionName("Туркестанская область", "Түркістан облысы", "Turkistan Region"),
    "ulytau": RegionName("область Улытау", "Ұлытау облысы", "Ulytau Region"),
    "west-kazakhstan": RegionName(
        "Западно-Казахстанская область", "Батыс Қазақстан облысы", "West Kazakhstan Region"
    ),
    "zhambyl": RegionName("Жамбылская область", "Жамбыл облысы", "Jambyl Region"),
    "zhetysu": RegionName("область Жетісу", "Жетісу облысы", "Jetisu Region"),
}


def region_name(key: str, fallback: str = "") -> str:
    """The region's name in the reader's language; the stored spelling for an unknown key."""
    region = REGIONS.get(key)
    return str(region) if region else fallback or key
