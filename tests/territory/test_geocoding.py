"""Address search in Russian, Kazakh and Latin spellings."""

import pytest

from precinct.territory.geocoding import (
    address_key_fields,
    address_search,
    normalize_house,
    normalize_street,
    parse_query,
    street_keys,
    transliterate,
)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("улица Абая", "абая"),
        ("ул.Абая", "абая"),
        ("проспект Абая", "абая"),
        ("пр-т Абая", "абая"),
        ("Абай даңғылы", "абай"),
        ("Төле би көшесі", "толе би"),
        ("ул. Толе би", "толе би"),
        ("Жібек жолы к-сі", "жибек жолы"),
        ("проспект им. Абылай хана", "абылай хана"),
        ("мкр. Самал-2", "самал 2"),
        ("бульвар Бухар жырау", "бухар жырау"),
        ("Ёлочная улица", "елочная"),
        ("Abay Ave", "abay"),
        ("пр. Достык (Ленина)", "достык"),
    ],
)
def test_normalize_street__folds_kazakh_and_drops_street_types(text, key):
    assert normalize_street(text) == key


def test_street_keys__bracketed_old_name_is_an_alternative():
    assert street_keys("пр. Достык (пр. Ленина)") == ["достык", "ленина"]
    assert address_key_fields("пр. Достык (Ленина)", "5")["street_key"] == "достык|ленина"


def test_transliterate__latin_names_read_as_cyrillic():
    assert transliterate("tole bi") == "толе би"
    assert transliterate("abay") == "абай"
    assert transliterate("dostyk") == "достык"
    assert transliterate("zhibek zholy") == "жибек жолы"


@pytest.mark.parametrize(
    ("text", "key"),
    [("52", "52"), ('52 "Б"', "52б"), ("52b", "52б"), ("52-Б", "52б"), ("141А", "141а"),
     ("141a", "141а"), ("д. 5", "5"), ("12/3", "12/3"), ("5-7", "5-7"), ("«7в»", "7в")],
)  # fmt: skip
def test_normalize_house__unifies_letter_suffixes(text, key):
    assert normalize_house(text) == key


@pytest.mark.parametrize(
    ("query", "parts"),
    [
        ("Абая 52", ("Абая", "52")),
        ("пр. Абая, 52Б", ("пр. Абая", "52Б")),
        ("Абай даңғылы 52", ("Абай даңғылы", "52")),
        ("52 Абая", ("Абая", "52")),
        ("Абая 52 Б", ("Абая", "52Б")),
        ("ул. Абая, д. 5", ("ул. Абая", "5")),
        ("Абая", ("Абая", None)),
        ("мкр. Самал-2", ("мкр. Самал-2", None)),
    ],
)
def test_parse_query__street_and_house_in_any_order(query, parts):
    assert parse_query(query) == parts


@pytest.mark.parametrize(
    "query",
    ["Абая 52", "пр. Абая, 52", "Абай даңғылы 52", "52 Абая", "проспект Абая 52", "Abay 52"],
)
def test_address_search__exact_house_in_any_spelling(addresses, query):
    candidates = address_search(query=query)
    assert [c.label for c in candidates] == ["проспект Абая, 52"]
    assert candidates[0].exact and candidates[0].kind == "house"


def test_address_search__house_letter_suffix(addresses):
    assert address_search(query='Абая 52 "б"')[0].label == "проспект Абая, 52Б"
    assert address_search(query="абая 141A")[0].label == "проспект Абая, 141а"


def test_address_search__kazakh_street_found_by_russian_letters(addresses):
    candidates = address_search(query="Жибек жолы 12")
    assert [(c.label, c.exact) for c in candidates] == [("Жібек жолы көшесі, 12", True)]


def test_address_search__old_name_in_brackets(addresses):
    assert address_search(query="Ленина 5")[0].label == "пр. Достык (Ленина), 5"
    assert address_search(query="Достык 5")[0].label == "пр. Достык (Ленина), 5"


def test_address_search__unknown_house_offers_street_and_nearest_numbers(addresses):
    candidates = address_search(query="Абая 53")
    assert candidates[0].kind == "street" and candidates[0].label == "проспект Абая"
    assert not any(c.exact for c in candidates)
    assert [c.label for c in candidates[1:]] == [
        "проспект Абая, 52", "проспект Абая, 52Б", "проспект Абая, 54"
    ]  # fmt: skip


def test_address_search__several_streets_are_all_offered(addresses):
    labels = [c.label for c in address_search(query="толе")]
    assert labels == ["улица Толе би", "улица Толебаева"]


def test_address_search__latin_query_is_transliterated(addresses):
    assert address_search(query="Tole Bi 10")[0].label == "улица Толе би, 10"


def test_address_search__street_alone_is_not_exact(addresses):
    candidates = address_search(query="проспект Абая")
    assert [(c.label, c.kind, c.exact) for c in candidates] == [("проспект Абая", "street", False)]


@pytest.mark.parametrize("query", ["Несуществующая 5", "", "а", "   "])
def test_address_search__unknown_gives_nothing(addresses, query):
    assert address_search(query=query) == []


def test_address_search__filters_by_region(addresses):
    from precinct.territory.models import Region

    other = Region.objects.create(code="astana", kind="city", name="Астана")
    assert address_search(query="Абая 52", region=other) == []
    assert address_search(query="Абая 52", region=addresses)


def test_address_search__few_queries(addresses, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        address_search(query="Абая 52")


def test_the_same_address_on_a_node_and_a_building_is_offered_once(addresses):
    from precinct.territory.geocoding import address_key_fields, address_search
    from precinct.territory.models import Address, Region

    region = Region.objects.get()
    for ref in ("n1", "w2"):
        Address.objects.create(
            region=region,
            street="пр. Абая",
            housenumber='52 "Б"',
            lon=76.9,
            lat=43.24,
            osm_ref=ref,
            **address_key_fields("пр. Абая", '52 "Б"'),
        )
    labels = [c.label for c in address_search(query="Абая 52б")]
    assert len(labels) == len(set(labels))
