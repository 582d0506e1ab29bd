"""The real open data a demo city is built from, checked before anything is written."""

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import shapely

from precinct.core.errors import DomainError


class DemoInputError(DomainError):
    """An input file is missing or not what the builder expects; the message says which."""


@dataclass(frozen=True)
class DemoInputs:
    osm: Path
    boundaries: Path
    population_csv: Path

    def check(self) -> None:
        """Fail early, naming the file, before any import starts."""
        for label, path in (
            ("OSM extract", self.osm),
            ("boundary file", self.boundaries),
            ("population file", self.population_csv),
        ):
            if not path.is_file():
                raise DemoInputError(f"The {label} {path} does not exist.")


def city_boundary(path: Path, shape_name: str):
    """The polygon of a named district-level area in a geoBoundaries GeoJSON file."""
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
    except (OSError, ValueError, KeyError) as exc:
        raise DemoInputError(f"{path.name}: not a GeoJSON feature collection ({exc}).") from None
    for feature in features:
        if feature.get("properties", {}).get("shapeName") == shape_name:
            return shapely.from_geojson(json.dumps(feature["geometry"]))
    raise DemoInputError(f"{path.name}: no area named {shape_name!r}.")


def official_population(path: Path, region: str) -> int:
    """The total population of a region from kz_population/city_population.csv."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            for line_no, row in enumerate(csv.DictReader(handle), start=2):
                if row.get("Region") == region:
                    try:
                        return int(row["Total"])
                    except (KeyError, ValueError):
                        raise DemoInputError(
                            f"{path.name}, line {line_no}: Total is not a whole number."
                        ) from None
    except OSError as exc:
        raise DemoInputError(f"{path.name}: cannot be read ({exc}).") from None
    raise DemoInputError(f"{path.name}: no row for region {region!r}.")
