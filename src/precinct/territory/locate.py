"""Find my district inspector: point → precinct → inspectors, department, nearest posts.

The nearest posts are nearest by walking time along the road network, not by straight
line: a river or a railway between a resident and a post can make the closest-looking
post the farther one. Times run door to door: the legs between each door and its
street are walked too (``territory.walking``).
"""

from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from precinct.accounts import access
from precinct.analytics.network import (
    OutsideNetworkError,
    k_nearest_targets,
    path_from_predecessors,
    path_meters,
)
from precinct.audit.services import audit_read_many
from precinct.core import numbers
from precinct.core.errors import DomainError
from precinct.territory import geo, selectors
from precinct.territory.models import Department, Officer, Post, Precinct
from precinct.territory.network import OutsideRegions, network_at, open_posts_index
from precinct.territory.walking import access_leg_seconds, walk_door_to_door

# Posts farther than this are not offered as "nearest"; residents would not walk there.
MAX_WALK_SECONDS = 3 * 3600


class LocateError(DomainError):
    """The point cannot be served; ``code`` tells the client why."""


@dataclass
class PostRoute:
    post: Post
    walk_seconds: float
    walk_meters: float
    route: list[tuple[float, float]]


@dataclass
class LocateResult:
    lon: float
    lat: float
    precinct: Precinct
    department: Department
    inspectors: list[Officer]
    heads: list[Officer]
    posts: list[PostRoute] = field(default_factory=list)
    snap_meters: float = 0.0


def validate_coordinates(lon: float, lat: float) -> None:
    """Reject coordinates that are not on Earth."""
    if not (np.isfinite(lon) and np.isfinite(lat)):
        raise LocateError(_("Coordinates must be finite numbers."), code="invalid_coordinates")
    if not -90 <= lat <= 90:
        raise LocateError(
            _("Latitude %(lat)s is outside -90..90.") % {"lat": lat},
            field="lat",
            code="invalid_coordinates",
        )
    if not -180 <= lon <= 180:
        raise LocateError(
            _("Longitude %(lon)s is outside -180..180.") % {"lon": lon},
            field="lon",
            code="invalid_coordinates",
        )


def locate(*, lon: float, lat: float, max_posts: int | None = None) -> LocateResult:
    """Everything a resident at (lon, lat) needs to reach his police."""
    validate_coordinates(lon, lat)
    precinct = geo.precinct_at(lon, lat)
    if precinct is None:
        raise LocateError(
            _("No precinct covers this point: it is outside the served area."),
            code="outside_precincts",
            status=404,
        )
    result = LocateResult(
        lon=lon,
        lat=lat,
        precinct=precinct,
        department=precinct.department,
        inspectors=selectors.inspectors_of_precinct(precinct=precinct),
        heads=selectors.heads_of_department(department=precinct.department),
    )
    result.posts, result.snap_meters = nearest_posts(
        lon=lon, lat=lat, limit=max_posts or settings.PRECINCT_LOCATE_POSTS
    )
    return result


def nearest_posts(*, lon: float, lat: float, limit: int) -> tuple[list[PostRoute], float]:
    """Open posts nearest by walking time door to door, with the walked route to each.

    The ranking and the figures include both access legs (the resident's door to the
    street, the street to the post's door; ``territory.walking``), so a post across the
    street is never "0 m": the walk is never shorter than the straight line.
    """
    try:
        walk = network_at("walk", lon, lat)
    except OutsideRegions as exc:
        raise LocateError(str(exc), code="no_region_network", status=404) from None
    try:
        origin, snap_m = walk.snapper.snap(lon, lat)
    except OutsideNetworkError as exc:
        raise LocateError(
            _("The point is %(distance)s from the nearest walkable road.")
            % {"distance": numbers.quantity(exc.metres, "m")},
            code="off_network",
            status=404,
        ) from None
    index = open_posts_index(walk)
    last_legs = access_leg_seconds(walk.graph, index.snap_m)
    chosen, seconds, predecessors = k_nearest_targets(
        walk.graph, origin, index.nodes, limit, limit_s=MAX_WALK_SECONDS, target_offsets=last_legs
    )
    posts = Post.objects.in_bulk(index.post_ids[chosen].tolist())
    door = (lon, lat, snap_m)
    routes = [
        _route_to(walk.graph, posts[int(index.post_ids[i])], door, index, i, t, predecessors)
        for i, t in zip(chosen, seconds, strict=True)
    ]
    routes.sort(key=lambda r: r.walk_seconds)  # the straight-line floor may reorder ties
    return routes, snap_m


def _route_to(graph, post: Post, door, index, i: int, seconds: float, predecessors) -> PostRoute:
    path = path_from_predecessors(predecessors, int(index.nodes[i]))
    post_door = (float(index.lon[i]), float(index.lat[i]), float(index.snap_m[i]))
    walk_s, walk_m = walk_door_to_door(
        graph,
        origin=door,
        destination=post_door,
        network_s=seconds,
        network_m=path_meters(graph, path),
    )
    streets = list(zip(graph.lon[path].tolist(), graph.lat[path].tolist(), strict=True))
    return PostRoute(
        post=post,
        walk_seconds=walk_s,
        walk_meters=walk_m,
        route=[door[:2], *streets, post_door[:2]],
    )


def locate_payload(result: LocateResult, *, user) -> dict:
    """The LocateOut dict of a result (shared by the API and the page); officers' contacts
    only where ``user`` may see them."""
    precinct, department = result.precinct, result.department
    return {
        "lat": result.lat,
        "lon": result.lon,
        "precinct": {
            "id": precinct.id,
            "number": precinct.number,
            "name": str(precinct),
            "residents": precinct.residents,
            "boundary": geo.boundary_geojson(precinct.boundary),
            "boundary_source": precinct.boundary_source,
        },
        "department": {
            "id": department.id,
            "name": department.display_name,
            "kind": department.kind,
            "phone": department.phone,
            "address": department.address,
            "boundary_source": department.boundary_source,
        },
        "inspectors": _officers(result.inspectors, user),
        "heads": _officers(result.heads, user),
        "posts": [
            {
                "id": r.post.id,
                "name": r.post.display_name,
                "address": r.post.address,
                "state": r.post.state,
                "opening_hours": r.post.opening_hours,
                "opening_hours_text": r.post.opening_hours_display,
                "phone": r.post.phone,
                "lon": r.post.lon,
                "lat": r.post.lat,
                "source": r.post.source,
                "walk_seconds": round(r.walk_seconds, 1),
                "walk_meters": round(r.walk_meters, 1),
                "route": {"type": "LineString", "coordinates": r.route},
            }
            for r in result.posts
        ],
        "snap_meters": round(result.snap_meters, 1),
        # The precinct's public page (the neighbourhoods app), by its stable address.
        "neighbourhood_url": reverse(
            "neighbourhoods:precinct", args=[department.code, precinct.number]
        ),
    }


def _officers(officers, user) -> list[dict]:
    shown = {o.pk for o in officers if access.can_view_officer_contact(user, o)}
    # Staff in scope also see non-public contacts (an assistant's): that read is audited.
    private = [o for o in officers if o.pk in shown and not access.has_public_contact(o)]
    if private:
        audit_read_many(actor=user, objects=private, fields=["phone", "email"], context="locate")
    return [_officer(o, o.pk in shown) for o in officers]


def _officer(officer, shown: bool) -> dict:
    return {
        "id": officer.id,
        "name": officer.full_name,
        "role": officer.role,
        "rank": officer.rank_display,
        "rank_code": officer.rank,
        "phone": officer.phone if shown else None,
        "email": officer.email if shown else None,
        "generated": officer.source == "generated",
    }
