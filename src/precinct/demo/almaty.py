"""Facts about Almaty used by the demo: its districts and official population.

The eight district names are real; the extract has no district boundaries, so the demo
derives them around these approximate district centres and labels them as derived.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class District:
    code: str
    name: str  # the department's name in Russian
    name_kk: str
    name_en: str
    lon: float
    lat: float


REGION_CODE = "almaty"
REGION_NAME = ("г. Алматы", "Алматы қ.", "Almaty city")
BOUNDARY_NAME = "Almaty (Alma-Ata)"  # the feature's shapeName in geoBoundaries ADM2
POPULATION_REGION = "Almaty city"  # the row in kz_population/city_population.csv
CITY_DEPARTMENT = (
    "dp-almaty",
    "Департамент полиции г. Алматы",
    "Алматы қаласының Полиция департаменті",
    "Almaty City Police Department",
)

DISTRICTS = [
    District(
        "up-alatau",
        "УП Алатауского района",
        "Алатау ауданының ПБ",
        "Alatau District Police",
        76.855,
        43.285,
    ),
    District(
        "up-almaly",
        "УП Алмалинского района",
        "Алмалы ауданының ПБ",
        "Almaly District Police",
        76.905,
        43.252,
    ),
    District(
        "up-auezov",
        "УП Ауэзовского района",
        "Әуезов ауданының ПБ",
        "Auezov District Police",
        76.850,
        43.228,
    ),
    District(
        "up-bostandyk",
        "УП Бостандыкского района",
        "Бостандық ауданының ПБ",
        "Bostandyk District Police",
        76.910,
        43.212,
    ),
    District(
        "up-zhetysu",
        "УП Жетысуского района",
        "Жетісу ауданының ПБ",
        "Zhetysu District Police",
        76.935,
        43.292,
    ),
    District(
        "up-medeu",
        "УП Медеуского района",
        "Медеу ауданының ПБ",
        "Medeu District Police",
        76.965,
        43.245,
    ),
    District(
        "up-nauryzbay",
        "УП Наурызбайского района",
        "Наурызбай ауданының ПБ",
        "Nauryzbay District Police",
        76.790,
        43.195,
    ),
    District(
        "up-turksib",
        "УП Турксибского района",
        "Түрксіб ауданының ПБ",
        "Turksib District Police",
        76.975,
        43.330,
    ),
]
