"""Generated officer names for the demo: common Kazakh and Russian names, no real person."""

import numpy as np

MALE_FIRST = [
    "Арман",
    "Ержан",
    "Нурлан",
    "Асхат",
    "Данияр",
    "Бауыржан",
    "Айдос",
    "Руслан",
    "Серик",
    "Марат",
    "Алмас",
    "Ерлан",
    "Дамир",
    "Тимур",
    "Азамат",
    "Олжас",
    "Максим",
    "Дмитрий",
    "Андрей",
    "Сергей",
    "Канат",
    "Жандос",
    "Берик",
    "Ильяс",
]
FEMALE_FIRST = [
    "Айгерим",
    "Динара",
    "Жанар",
    "Гульнара",
    "Асель",
    "Мадина",
    "Алия",
    "Сауле",
    "Анна",
    "Елена",
    "Камила",
    "Акмарал",
]
SURNAMES = [
    "Ахметов",
    "Жумабаев",
    "Касымов",
    "Сейткали",
    "Омаров",
    "Нуржанов",
    "Абдрахманов",
    "Турсынов",
    "Сулейменов",
    "Иманбаев",
    "Бекмуханов",
    "Садыков",
    "Есенов",
    "Жаксылыков",
    "Кенжебаев",
    "Мусин",
    "Байжанов",
    "Тлеубаев",
    "Исаев",
    "Смагулов",
    "Иванов",
    "Ким",
    "Петров",
    "Ли",
    "Орынбасаров",
    "Утегенов",
    "Рахимов",
    "Ержанов",
    "Тохтаров",
    "Аубакиров",
]
FATHERS = [
    "Серик",
    "Нурлан",
    "Марат",
    "Ерлан",
    "Болат",
    "Кайрат",
    "Бахыт",
    "Асан",
    "Ермек",
    "Талгат",
    "Сергей",
    "Виктор",
]
# Codes of ``territory.models.Officer.Rank``: pages write them in the reader's language.
RANKS = {
    "inspector": [
        "lieutenant",
        "senior_lieutenant",
        "captain",
        "major",
    ],
    "assistant": ["sergeant", "senior_sergeant"],
    "patrol": ["sergeant", "senior_sergeant", "lieutenant"],
    "operator": ["senior_sergeant", "lieutenant"],
    "head": ["lieutenant_colonel", "colonel"],
    "analyst": ["captain", "major"],
}
# Russian patronymics and surnames agree with sex; Kazakh -ұлы/-қызы forms are left out
# for brevity, the common Russian-form -ович/-овна being what most IDs carry.
_UNCHANGED_SURNAMES = {"Ким", "Ли", "Сейткали"}


def _female_surname(surname: str) -> str:
    if surname in _UNCHANGED_SURNAMES:
        return surname
    return surname + "а" if surname.endswith(("ов", "ев", "ин")) else surname


def _patronymic(father: str, female: bool) -> str:
    # Сергей → Сергеевич / Сергеевна; Марат → Маратович / Маратовна.
    stem = father[:-1] + "ев" if father.endswith("й") else father + "ов"
    return stem + ("на" if female else "ич")


def _phone(rng: np.random.Generator, number: int) -> str:
    operator = int(rng.integers(0, 10))
    return f"+7 70{operator} {number // 10000:03d} {number % 10000 // 100:02d} {number % 100:02d}"


def person(rng: np.random.Generator, role: str) -> dict:
    """Name, rank, phone and e-mail of one generated officer."""
    female = rng.random() < 0.15
    first = str(rng.choice(FEMALE_FIRST if female else MALE_FIRST))
    surname = str(rng.choice(SURNAMES))
    father = str(rng.choice(FATHERS))
    number = int(rng.integers(1_000_000, 9_999_999))
    return {
        "last_name": _female_surname(surname) if female else surname,
        "first_name": first,
        "patronymic": _patronymic(father, female),
        "rank": str(rng.choice(RANKS[role])),
        "phone": _phone(rng, number),
        "email": f"officer{number}@demo.police.invalid",
    }
