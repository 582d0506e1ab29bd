"""Forces and neighbourhoods in data.police.uk's shapes, read from the apps' surfaces.

A *force* is a department that serves residents directly: one with precincts of its own
(in practice a district or city department, УП/ОП; docs/open-data.md says why), its id is
the department's code. A *neighbourhood* is one of its precincts, its id the precinct's
number as a string (unique within the force, as police.uk's neighbourhood ids are, and the
number residents know). Names come in the language the frame activated.

What is published, and what never is: officers' names and ranks, never their phones or
e-mails (``contact_details`` of people stay empty); the phones of posts and departments,
which are public; receptions without who booked them or how many did; priorities as staff
wrote them, never what a resident wrote; residents of a precinct only as a count that
``analytics.disclosure`` allows.
"""

import datetime as dt

import shapely.geometry
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

from precinct.opendata.frame import bad_parameter, not_found, published_count
from precinct.priorities import metrics as priorities
from precinct.receptions import metrics as receptions
from precinct.territory import geo, locate
from precinct.territory import metrics as territory
from precinct.territory.models import Officer

# police.uk writes times without a zone, in local time; so do we (Asia/Almaty).
POLICE_UK_TIME = "%Y-%m-%dT%H:%M:%S"
# What a police.uk client takes a walk-in place for: our district police posts are those.
LOCATION_TYPE = "station"
# police.uk's type of a public meeting with the neighbourhood's police.
EVENT_TYPE = "meeting"
EVENTS_MAX = 20
# The largest precinct number the database holds (a positive integer column).
NUMBER_MAX = 2**31 - 1


def forces() -> list[dict]:
    """``GET forces``: id and name of every force."""
    return [{"id": f["code"], "name": f["name"]} for f in territory.public_forces()]


def force(code: str, *, absolute) -> dict:
    """``GET forces/<force>``: name, its page on this site, telephone, description and
    the ways to reach it.
    ``absolute`` turns a path of this site into a full URL."""
    found = _force(code)
    receptions_page = absolute(reverse("receptions:list") + f"?department={found['id']}")
    return {
        "id": found["code"],
        "name": found["name"],
        "url": absolute(reverse("neighbourhoods:department", args=[code])),
        "telephone": found["phone"] or None,
        "description": _paragraphs(_sentence(found["kind_label"], found["region"])),
        "engagement_methods": [
            _method(absolute(reverse("territory:locate")), "locate", _("Find my inspector")),
            _method(absolute(reverse("appeals:new")), "appeal", _("Write an appeal")),
            _method(receptions_page, "reception", _("Book a reception with the head")),
        ],
    }


def senior_officers(code: str) -> list[dict]:
    """``GET forces/<force>/people``: the department's heads, name and rank only."""
    found = _force(code)
    head = Officer.Role.HEAD.label
    return [
        _person(h["name"], h["rank"] or head)
        for h in territory.public_heads(department_id=found["id"])
    ]


def neighbourhoods(code: str) -> list[dict]:
    """``GET <force>/neighbourhoods``: id and name of each of the force's precincts."""
    found = _force(code)
    return [
        {"id": str(p["number"]), "name": p["name"]}
        for p in territory.own_precincts(department_id=found["id"])
    ]


def neighbourhood(code: str, neighbourhood_id: str, *, absolute) -> dict:
    """``GET <force>/<neighbourhood>``: the precinct with its centre, its posts (as
    police.uk's locations), public contacts and the address of its page on this site."""
    found, card = _force(code), _precinct_card(code, neighbourhood_id)
    posts = [p for p in card["posts"] if p["state"] == "open"]
    page = absolute(neighbourhood_path(code, card["number"]))
    telephone = next((p["phone"] for p in posts if p["phone"]), "") or found["phone"]
    contact = {"telephone": telephone, "web": page}
    return {
        "id": str(card["number"]),
        "name": card["name"],
        "url_force": page,
        "contact_details": {key: value for key, value in contact.items() if value},
        "links": [{"url": page, "title": card["name"], "description": None}],
        "centre": _centre(card),
        "locations": [_location(p) for p in posts],
        "description": _paragraphs(_sentence(found["name"], found["region"])),
        "population": _population(card["residents"]),
    }


def boundary(code: str, neighbourhood_id: str) -> list[dict]:
    """``GET <force>/<neighbourhood>/boundary``: the outline as latitude/longitude points
    (of the largest part where a precinct has several; empty when it has none)."""
    shape = _shape(_precinct_card(code, neighbourhood_id))
    if shape is None:
        return []
    ring = shape.exterior.coords[:-1]  # police.uk does not repeat the first point
    return [_point(lon, lat) for lon, lat in ring]


def people(code: str, neighbourhood_id: str) -> list[dict]:
    """``GET <force>/<neighbourhood>/people``: the precinct's inspectors (and assistants)
    serving today, name and rank; their contacts are not published here."""
    card = _precinct_card(code, neighbourhood_id)
    return [
        _person(o["name"], o["rank"] or Officer.Role(o["role"]).label) for o in card["inspectors"]
    ]


def events(code: str, neighbourhood_id: str, *, absolute, now=None) -> list[dict]:
    """``GET <force>/<neighbourhood>/events``: the coming reception hours of the heads of
    the precinct's department, where residents meet them."""
    found = _force(code)
    _precinct_id(code, neighbourhood_id)  # a neighbourhood of this force, or 404
    languages = dict(settings.LANGUAGES)
    rows = receptions.public_receptions_of_department(
        department_id=found["id"], now=now, limit=EVENTS_MAX
    )
    return [
        {
            "title": _("Reception of residents by the head of the department"),
            "description": _paragraphs(
                _("Receives: %(head)s. Language of the reception: %(language)s.")
                % {
                    "head": " ".join(part for part in (r["head_rank"], r["head"]) if part),
                    "language": languages.get(r["language"], r["language"]),
                }
            ),
            "address": r["place"],
            "type": EVENT_TYPE,
            "start_date": _local_time(r["starts_at"]),
            "end_date": _local_time(r["ends_at"]),
            "contact_details": _event_contacts(found["phone"], r["id"], absolute),
        }
        for r in rows
    ]


def priorities_of(code: str, neighbourhood_id: str, *, today: dt.date | None = None) -> list[dict]:
    """``GET <force>/<neighbourhood>/priorities``: the current priorities, and those closed
    within the review period, with what was done ("you said, we did") in police.uk's
    keys and HTML paragraphs; the newest action dates ``action-date``."""
    today = today or timezone.localdate()
    precinct_id = _precinct_id(code, neighbourhood_id)
    recent = today - dt.timedelta(days=priorities.REVIEW_DAYS)
    rows = priorities.precinct_priorities(precinct_id=precinct_id, today=today, include_closed=True)
    return [
        _priority(p) for p in rows if p["state"] == "active" or (p["closed_on"] or today) >= recent
    ]


def locate_neighbourhood(q: str | None) -> dict:
    """``GET locate-neighbourhood?q=<lat>,<lng>``: the force and neighbourhood serving a
    point; 404 outside every precinct, 400 when ``q`` is not two numbers."""
    lat, lng = _lat_lng(q)
    locate.validate_coordinates(lng, lat)
    precinct = geo.precinct_at(lng, lat)
    if precinct is None:
        raise not_found()
    return {"force": precinct.department.code, "neighbourhood": str(precinct.number)}


def neighbourhood_path(code: str, number: int) -> str:
    """The address of a precinct's public page (the neighbourhoods app's)."""
    return reverse("neighbourhoods:precinct", args=[code, number])


def _force(code: str) -> dict:
    found = territory.public_force(code=code)
    if found is None:
        raise not_found()
    return found


def _precinct_id(code: str, neighbourhood_id: str) -> int:
    # Only the canonical spelling of a number is an id: "07", "+7" and a number no
    # precinct can have (beyond the column's range) are unknown ids, never a 500.
    if not neighbourhood_id.isascii() or not neighbourhood_id.isdecimal():
        raise not_found()
    if str(int(neighbourhood_id)) != neighbourhood_id or int(neighbourhood_id) > NUMBER_MAX:
        raise not_found()
    precinct_id = territory.precinct_id_by_number(
        department_code=code, number=int(neighbourhood_id)
    )
    if precinct_id is None:
        raise not_found()
    return precinct_id


def _precinct_card(code: str, neighbourhood_id: str) -> dict:
    return territory.precinct_card(precinct_id=_precinct_id(code, neighbourhood_id))


def _shape(card: dict):
    """The precinct's polygon (the largest part of a multipolygon), or None."""
    if not card["boundary"]:
        return None
    shape = shapely.geometry.shape(card["boundary"])
    parts = getattr(shape, "geoms", [shape])
    polygons = [p for p in parts if p.geom_type == "Polygon" and not p.is_empty]
    return max(polygons, key=lambda p: p.area) if polygons else None


def _centre(card: dict) -> dict | None:
    """A point inside the precinct (its centroid when that lies inside)."""
    shape = _shape(card)
    if shape is None:
        return None
    centre = shape.centroid if shape.contains(shape.centroid) else shape.point_on_surface()
    return _point(centre.x, centre.y)


def _point(lon: float, lat: float) -> dict:
    # Strings, as police.uk writes coordinates; six decimals are ~0.1 m.
    return {"latitude": f"{lat:.6f}", "longitude": f"{lon:.6f}"}


def _location(post: dict) -> dict:
    return {
        "name": post["name"],
        **_point(post["lon"], post["lat"]),
        "postcode": None,
        "address": post["address"] or None,
        "type": LOCATION_TYPE,
        "description": post["opening_hours_text"] or None,
    }


def _population(residents: int) -> str | None:
    # police.uk writes it as a string; a tiny precinct's count is not published.
    shown = published_count(residents)
    return None if shown is None else str(shown)


def _person(name: str, rank: str) -> dict:
    return {"name": name, "rank": str(rank), "bio": None, "contact_details": {}}


def _method(url: str, kind: str, title: str) -> dict:
    return {"url": url, "type": kind, "title": title, "description": None}


def _event_contacts(phone: str, slot_id: int, absolute) -> dict:
    contacts = {"web": absolute(reverse("receptions:book", args=[slot_id]))}
    if phone:
        contacts["telephone"] = phone
    return contacts


def _priority(row: dict) -> dict:
    issue = _paragraphs(row["issue"], row["place"])
    actions = row["actions"]
    return {
        "issue": issue,
        "issue-date": _day(row["since"]),
        "action": _paragraphs(*(a["text"] for a in actions)) if actions else None,
        "action-date": _day(actions[0]["done_on"]) if actions else None,
    }


def _paragraphs(*texts: str) -> str:
    """Texts as police.uk writes them: escaped HTML, a ``<p>`` each (``<br>`` inside)."""
    return "\n".join(linebreaks(t, autoescape=True) for t in texts if t)


def _sentence(*parts: str) -> str:
    # A name may end in an abbreviation's point ("Алматы қ."): one point ends the sentence.
    return ", ".join(parts).rstrip(".") + "."


def _day(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00"


def _local_time(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime(POLICE_UK_TIME)


def _lat_lng(q: str | None) -> tuple[float, float]:
    if not q:
        raise bad_parameter("q", _("give a point as latitude,longitude"))
    parts = q.split(",")
    try:
        if len(parts) != 2:
            raise ValueError
        lat, lng = (float(p) for p in parts)
    except ValueError:
        raise bad_parameter("q", _("give a point as latitude,longitude")) from None
    return lat, lng
