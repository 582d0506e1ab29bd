"""The read surface of neighbourhoods: what a precinct's public page publishes, as plain
rows, for other apps (e.g. a monthly digest of a precinct's figures) and its address."""

import datetime as dt

from django.urls import reverse

from precinct.neighbourhoods import figures
from precinct.territory.models import Precinct


def precinct_page_url(*, precinct_id: int) -> str:
    """The path of a precinct's public page: /neighbourhoods/<department code>/<number>/."""
    code, number = Precinct.objects.values_list("department__code", "number").get(pk=precinct_id)
    return reverse("neighbourhoods:precinct", args=[code, number])


def precinct_figures(*, precinct_id: int, today: dt.date | None = None) -> dict:
    """The figures a precinct's page shows, already through the small-count rule:
    ``{"start", "end", "figures": {key: {"kind", "value", "why", "city_value",
    "city_why", "against_city"}}}`` over the 12 months to the end of last month, beside
    its region's. ``why`` is "" when the value is published, "few" when withheld as a
    small count, "none" when there is nothing to measure. ``against_city`` says where the
    value lies against the city's funnel limits for the precinct's size ("as_expected",
    "better_95", "better_998", "worse_95", "worse_998"; "" without a funnel or without
    both values published)."""
    department_id, region_id = Precinct.objects.values_list(
        "department_id", "department__region_id"
    ).get(pk=precinct_id)
    raw = figures.area_figures(today=today)
    here = figures.published(raw, level="precinct", pk=precinct_id, department_id=department_id)
    city = figures.published(raw, level="region", pk=region_id)
    funnel = figures.against(
        raw, level="precinct", pk=precinct_id, above="region", above_pk=region_id,
        department_id=department_id,
    )  # fmt: skip

    def against_city(key):
        shown = not here[key]["now"].why and not city[key]["now"].why
        return funnel[key]["verdict"] if shown and key in funnel else ""

    return {
        "start": raw["year"][0],
        "end": raw["year"][1],
        "figures": {
            key: {
                "kind": kind,
                "value": here[key]["now"].value,
                "why": here[key]["now"].why,
                "city_value": city[key]["now"].value,
                "city_why": city[key]["now"].why,
                "against_city": against_city(key),
            }
            for key, kind in figures.KINDS.items()
        },
    }
