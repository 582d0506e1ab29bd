"""Searchable addresses from OSM: house numbers, and whole streets for a street-only query."""

import shapely

from precinct.territory.geocoding import address_key_fields
from precinct.territory.models import Address


def create_addresses(region, area, features) -> int:
    """Store the extract's addresses and named streets that lie inside the city."""
    rows = [
        Address(
            region=region,
            street=a.street,
            housenumber=a.housenumber,
            lon=a.lon,
            lat=a.lat,
            osm_ref=f"{a.osm_type}{a.osm_id}",
            **address_key_fields(a.street, a.housenumber),
        )
        for a in features.addresses
        if a.street and shapely.contains_xy(area, a.lon, a.lat)
    ]
    seen = set()
    for s in features.streets:
        for name in {s.name, s.name_ru, s.name_kk, *s.other_names} - {""}:
            keys = address_key_fields(name, "")
            if (keys["street_key"], round(s.lon, 3), round(s.lat, 3)) in seen:
                continue
            if not shapely.contains_xy(area, s.lon, s.lat):
                continue
            seen.add((keys["street_key"], round(s.lon, 3), round(s.lat, 3)))
            rows.append(
                Address(
                    region=region,
                    street=name,
                    housenumber="",
                    lon=s.lon,
                    lat=s.lat,
                    osm_ref=f"w{s.osm_id}",
                    **keys,
                )
            )
    Address.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
