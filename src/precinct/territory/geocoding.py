"""Find an address typed by a resident in Russian, Kazakh or Latin letters.

Addresses come from OpenStreetMap, where one street is written "улица Абая", "Абай
көшесі" or "Abay St". Both the stored rows and the query are reduced to the same key:
lower case, Kazakh letters folded to the nearest Russian ones, street-type words dropped.
The database then finds keys by word prefix, so the search never scans rows in Python.
"""

import re
from dataclasses import dataclass

from django.db.models import Avg, Q

from precinct.territory.models import Address, Region

_FOLD = str.maketrans("әғқңөұүһіё", "агкноуухие")
# Street-type words and their abbreviations, compared after folding and without dots.
_STREET_TYPES = {
    "улица", "ул", "проспект", "пр", "прс", "пр-т", "пр-кт", "просп", "переулок", "пер",
    "бульвар", "б-р", "бул", "микрорайон", "мкр", "мкрн", "мкр-н", "шоссе", "ш", "площадь",
    "пл", "тупик", "туп", "проезд", "пр-д", "набережная", "наб", "аллея",
    "кошеси", "косеси", "дангылы", "к-си", "даналы", "шагынаудан", "шагын", "ауданы",
    "street", "str", "st", "avenue", "ave", "av", "prospect", "lane", "boulevard", "blvd",
    "им", "имени",
}  # fmt: skip
_TOKEN = re.compile(r"[\w-]+")
_PARENS = re.compile(r"\(([^)]*)\)")
# Latin look-alikes and the usual transliteration of house-number letters.
_HOUSE_LETTERS = str.maketrans("abvgdecko", "абвгдеско")
_HOUSE_DROP = re.compile(r"[\s\"'«»“”„`]+")
_HOUSE_PREFIX = re.compile(r"^(?:д\.?|дом|уй|үй|house|h\.)\s*(?=\d)", re.IGNORECASE)
_HOUSE_TOKEN = re.compile(r"^\d+[\w/\-]*$")
_LETTER_TOKEN = re.compile(r"^[\"'«“]?[a-zа-яәғқңөұүһі][\"'»”]?$", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]")
_TRANSLIT = [
    ("shch", "щ"), ("sh", "ш"), ("ch", "ч"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"),
    ("yu", "ю"), ("ya", "я"), ("yo", "е"), ("ye", "е"), ("x", "кс"),
]  # fmt: skip
_TRANSLIT_ONE = str.maketrans("abvgdezijklmnoprstufhcqw", "абвгдезижклмнопрстуфхцку")
_VOWELS = "аеиоуыэюяaeiou"
# How many house numbers near the one asked for are offered when it is not on the map.
NEAREST_HOUSES = 3
# Streets considered per query; more matches mean the query is too short to be useful.
MAX_STREETS = 20


@dataclass(frozen=True)
class Candidate:
    """One answer to an address query, ready to be offered as a button."""

    label: str
    lon: float
    lat: float
    exact: bool
    kind: str  # "house" or "street"


def _fold(text: str) -> str:
    return text.lower().translate(_FOLD)


def _key_of(text: str) -> str:
    words = [w.strip("-") for w in _TOKEN.findall(_fold(text))]
    words = [w for w in words if w and w not in _STREET_TYPES]
    return " ".join(" ".join(w.split("-")) for w in words)


def normalize_street(text: str) -> str:
    """The search key of a street name: folded, street-type words dropped, no brackets."""
    return _key_of(_PARENS.sub(" ", text or ""))


def street_keys(text: str) -> list[str]:
    """The main key and the keys of names in brackets ('пр. Достык (Ленина)')."""
    keys = [normalize_street(text)] + [_key_of(alt) for alt in _PARENS.findall(text or "")]
    return [k for i, k in enumerate(keys) if k and k not in keys[:i]]


def normalize_house(text: str) -> str:
    """A house number as a key: '52 "Б"' and '52b' both become '52б'."""
    house = _HOUSE_PREFIX.sub("", (text or "").strip())
    house = _HOUSE_DROP.sub("", _fold(house)).translate(_HOUSE_LETTERS)
    # "52-б" is "52б", but "12/3" and "5-7" keep their separator between numbers.
    return re.sub(r"(?<=\d)-(?=[^\d])", "", house)


def transliterate(text: str) -> str:
    """A rough Latin to Cyrillic spelling ('Tole Bi' → 'толе би'), for the search only."""
    out = text.lower()
    for latin, cyrillic in _TRANSLIT:
        out = out.replace(latin, cyrillic)
    # "y" is "й" after a vowel ("abay") and "ы" elsewhere ("dostyk").
    out = re.sub(rf"(?<=[{_VOWELS}])y", "й", out).replace("y", "ы")
    return out.translate(_TRANSLIT_ONE)


def address_key_fields(street: str, housenumber: str) -> dict:
    """The Address key columns of a street and house number (used when storing rows)."""
    # Names in brackets are stored as "|"-separated alternatives, so both are found.
    return {"street_key": "|".join(street_keys(street)), "house_key": normalize_house(housenumber)}


def parse_query(text: str) -> tuple[str, str | None]:
    """Split a query into street and house: 'пр. Абая, 52Б', 'Абай даңғылы 52', '52 Абая'."""
    text = (text or "").strip()
    if "," in text:
        street, _, rest = text.rpartition(",")
        house = _HOUSE_PREFIX.sub("", rest.strip())
        if house[:1].isdigit():
            return street.strip(" ,"), house
    tokens = text.split()
    if len(tokens) >= 3 and _LETTER_TOKEN.match(tokens[-1]) and tokens[-2].isdigit():
        return " ".join(tokens[:-2]), f"{tokens[-2]}{tokens[-1]}"  # "Абая 52 Б"
    if len(tokens) >= 2 and _HOUSE_TOKEN.match(tokens[-1]):
        street = tokens[:-1]
        if street[-1].lower().rstrip(".") in ("д", "дом", "уй", "үй"):
            street = street[:-1]
        return " ".join(street), tokens[-1]
    if len(tokens) >= 2 and _HOUSE_TOKEN.match(tokens[0]) and not tokens[1][:1].isdigit():
        return " ".join(tokens[1:]), tokens[0]  # "52 Абая"
    return text, None


def _street_filter(key: str) -> Q:
    # The key starts a word of the stored key, or of one of its bracketed alternatives.
    return (
        Q(street_key__startswith=key)
        | Q(street_key__contains=f" {key}")
        | Q(street_key__contains=f"|{key}")
    )


def _matching_streets(key: str, region: Region | None) -> list[str]:
    """Stored street keys matching a query key, best first."""
    rows = Address.objects.all() if region is None else Address.objects.filter(region=region)
    found: list[str] = []
    # A Kazakh nominative ("Абай") misses the Russian genitive ("Абая"): retry one letter
    # shorter, and with a transliteration for Latin input.
    tries = [key, transliterate(key)] if _LATIN.search(key) else [key]
    tries += [t[:-1] for t in tries if len(t) >= 4]
    for attempt in tries:
        found = list(
            rows.filter(_street_filter(attempt))
            .values_list("street_key", flat=True)
            .distinct()
            .order_by("street_key")[:MAX_STREETS]
        )
        if found:
            key = attempt
            break

    def rank(street_key: str) -> tuple:
        alternatives = street_key.split("|")
        return (key not in alternatives, not street_key.startswith(key), street_key)

    return sorted(found, key=rank)


def _house_number(house_key: str) -> int | None:
    digits = re.match(r"\d+", house_key)
    return int(digits.group()) if digits else None


def _street_candidate(rows, street_key: str) -> Candidate | None:
    """The whole street: its own row if stored, else the mean of its houses."""
    street = rows.filter(street_key=street_key, house_key="").first()
    if street is not None:
        return Candidate(street.street, street.lon, street.lat, exact=False, kind="street")
    agg = rows.filter(street_key=street_key).aggregate(lon=Avg("lon"), lat=Avg("lat"))
    name = rows.filter(street_key=street_key).values_list("street", flat=True).first()
    if agg["lon"] is None:
        return None
    return Candidate(name, agg["lon"], agg["lat"], exact=False, kind="street")


def _house_candidate(row: Address, exact: bool) -> Candidate:
    return Candidate(f"{row.street}, {row.housenumber}", row.lon, row.lat, exact, "house")


def _nearest_houses(rows, street_key: str, house_key: str) -> list[Candidate]:
    """Houses of the street whose numbers are closest to the one asked for."""
    wanted = _house_number(house_key)
    if wanted is None:
        return []
    # One street has at most a few hundred numbers: fetch its keys, not whole rows.
    houses = rows.filter(street_key=street_key).exclude(house_key="")
    numbered = [
        (abs(n - wanted), pk)
        for pk, key in houses.values_list("pk", "house_key")
        if (n := _house_number(key)) is not None
    ]
    nearest = [pk for _, pk in sorted(numbered)[:NEAREST_HOUSES]]
    by_pk = Address.objects.in_bulk(nearest)
    return [_house_candidate(by_pk[pk], exact=False) for pk in nearest]


def address_search(*, query: str, region: Region | None = None, limit: int = 8) -> list[Candidate]:
    """Address candidates for a query: the exact house first, else streets and near numbers."""
    street_part, house_part = parse_query(query)
    key = normalize_street(street_part)
    streets = _matching_streets(key, region) if len(key) >= 2 else []
    if not streets and house_part is not None:
        # "мкр Самал 2" is a street whose name ends in a number, not house 2.
        house_part, key = None, normalize_street(query)
        streets = _matching_streets(key, region) if len(key) >= 2 else []
    rows = Address.objects.all() if region is None else Address.objects.filter(region=region)
    if house_part is not None:
        house_key = normalize_house(house_part)
        exact = rows.filter(street_key__in=streets, house_key=house_key).order_by("street_key")
        found = _distinct([_house_candidate(row, exact=True) for row in exact[:limit]])
        if found:
            return found
    candidates: list[Candidate] = []
    for street_key in streets:
        street = _street_candidate(rows, street_key)
        candidates += [street] if street else []
        if house_part is not None:
            candidates += _nearest_houses(rows, street_key, normalize_house(house_part))
        if len(candidates) >= limit:
            break
    return _distinct(candidates)[:limit]


def _distinct(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per label: OSM often tags the same address on a node and a building."""
    seen: set[str] = set()
    return [c for c in candidates if not (c.label in seen or seen.add(c.label))]
