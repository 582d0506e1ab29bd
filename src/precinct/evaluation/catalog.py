"""Loading a methodology version from its TOML file in ``evaluation/data/``."""

import tomllib
from pathlib import Path

from precinct.core.errors import DomainError

DATA_DIR = Path(__file__).parent / "data"
FIELDS = (
    "code", "group", "name", "name_kk", "name_en", "definition", "definition_kk",
    "definition_en", "source", "direction", "unit", "normalisation", "weight", "min_data",
    "min_data_kk", "min_data_en", "min_n", "survey_key",
)  # fmt: skip
METHODOLOGY_TEXTS = ("title", "title_kk", "title_en", "notes", "notes_kk", "notes_en")


class CatalogError(DomainError):
    """A methodology file that breaks a rule."""


def latest_file() -> Path:
    """The newest methodology shipped (``methodology_v<N>.toml`` with the highest N)."""
    return max(DATA_DIR.glob("methodology_v*.toml"), key=lambda p: int(p.stem.rsplit("v", 1)[1]))


def read_catalog(path: Path) -> dict:
    """Parse and check a methodology file: weights sum to 1, codes unique, directions known."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    indicators = data.get("indicator", [])
    codes = [i["code"] for i in indicators]
    if len(set(codes)) != len(codes):
        raise CatalogError(f"{path}: an indicator code appears twice")
    for i in indicators:
        if i.get("direction") not in ("higher", "lower"):
            raise CatalogError(f"{path}: {i['code']}: direction must be 'higher' or 'lower'")
        if not 0 <= float(i.get("weight", -1)) <= 1:
            raise CatalogError(f"{path}: {i['code']}: weight must lie between 0 and 1")
    total = sum(float(i["weight"]) for i in indicators)
    if abs(total - 1) > 1e-6:
        raise CatalogError(f"{path}: weights sum to {total:.4f}, not 1")
    return data


def load_catalog(data: dict, methodology_model, indicator_model):
    """Create a methodology version and its indicators (models passed by migrations too:
    a historical model takes the fields it has, so an early migration loads today's file)."""
    methodology = methodology_model.objects.create(
        version=data["version"],
        published_on=data["published_on"],
        min_coverage=data.get("min_coverage", 0.6),
        **_known(methodology_model, {f: data.get(f, "") for f in METHODOLOGY_TEXTS}),
    )
    indicator_model.objects.bulk_create(
        indicator_model(
            methodology=methodology,
            position=position,
            **_known(indicator_model, {f: i[f] for f in FIELDS if f in i}),
        )
        for position, i in enumerate(data["indicator"], start=1)
    )
    return methodology


def update_texts(data: dict, methodology_model, indicator_model) -> None:
    """Rewrite what residents read of a published version (names, definitions, notes, in
    every language) from its file; the scoring fields stay as published."""
    methodology = methodology_model.objects.filter(version=data["version"]).first()
    if methodology is None:
        return
    for field in METHODOLOGY_TEXTS:
        setattr(methodology, field, data.get(field, ""))
    methodology.save()
    texts = [f for f in FIELDS if f.startswith(("name", "definition", "min_data"))]
    for i in data["indicator"]:
        indicator_model.objects.filter(methodology=methodology, code=i["code"]).update(
            **{f: i.get(f, "") for f in texts}
        )


def _known(model, values: dict) -> dict:
    names = {f.name for f in model._meta.get_fields()}
    return {k: v for k, v in values.items() if k in names}
