"""Where an appeal goes: a pin, an address or a chosen department → precinct → department.

One function answers it for the form's preview and for the intake service, so the
department a resident is shown before sending is the department the appeal is stored
under. The precinct of a point is found as "find my inspector" finds it
(``territory.geo.precinct_at``). An address is taken only when it names one house: a
whole street, or a house the map does not know, is refused with the nearest choices, so
that an appeal is never sent to wherever the street's first search hit happens to lie.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from precinct.appeals.validators import AppealInputError, check_place
from precinct.territory import geo, geocoding
from precinct.territory.geocoding import Candidate
from precinct.territory.models import Department, Officer, Precinct

# How many houses or streets the form offers when an address is not one house.
CHOICES = 5


class AddressNotExact(AppealInputError):
    """The address names a street, several places or a house the map lacks; ``choices``
    are the candidates the resident may pick instead (each with its point)."""

    def __init__(self, message: str, *, choices: list[Candidate]):
        super().__init__(message, field="address", code="address_not_exact")
        self.choices = choices


@dataclass(frozen=True)
class Destination:
    """The department that will answer, the precinct when the place is known, and how."""

    department: Department
    precinct: Precinct | None
    lat: float | None
    lon: float | None
    by: str  # "pin", "address", "department" or "officer"
    address_label: str = ""
    choices: list = field(default_factory=list)


def appeal_destination(
    *,
    lat: float | None = None,
    lon: float | None = None,
    address: str = "",
    department_id: int | None = None,
    officer: Officer | None = None,
) -> Destination:
    """The destination of an appeal; ``AppealInputError`` (by field) when it has none.

    A pin wins (the resident put it there, or moved it to correct the address); without
    one, a department chosen from the list, else the one house the address names. A
    complaint about an officer goes one level above his department.
    """
    if officer is not None:
        unit = officer.department
        return Destination(unit.parent or unit, None, lat, lon, by="officer")
    if lat is None and lon is None:
        if address.strip() and department_id is None:
            house = _one_house(address)
            return _at_point(house.lat, house.lon, by="address", label=house.label)
        if department_id is None:
            raise AppealInputError(
                _("Give the place on the map or choose a department."), field="department_id"
            )
        return _chosen_department(department_id)
    errors: dict[str, str] = {}
    check_place(lat=lat, lon=lon, department_id=department_id, errors=errors)
    if errors:
        raise AppealInputError.of_fields(errors)
    return _at_point(lat, lon, by="pin", department_id=department_id)


def _at_point(lat, lon, *, by: str, label: str = "", department_id=None) -> Destination:
    precinct = geo.precinct_at(lon, lat)
    if precinct is not None:
        return Destination(precinct.department, precinct, lat, lon, by=by, address_label=label)
    if department_id is not None:
        destination = _chosen_department(department_id)
        return Destination(destination.department, None, lat, lon, by="department")
    field_name = "lat" if by == "pin" else "address"
    raise AppealInputError(_("This place lies outside the territory we serve."), field=field_name)


def _chosen_department(department_id: int | None) -> Destination:
    department = Department.objects.filter(pk=department_id).first()
    if department is None:
        raise AppealInputError(_("Unknown department."), field="department_id")
    return Destination(department, None, None, None, by="department")


def _one_house(address: str) -> Candidate:
    """The one house the address names, or a refusal that offers the nearest choices."""
    candidates = geocoding.address_search(query=address, limit=CHOICES + 3)
    houses = [c for c in candidates if c.exact]
    # The same house tagged twice, or namesakes in one precinct, send it to one place.
    if houses and len({geo.precinct_id_at(c.lon, c.lat) for c in houses}) == 1:
        return houses[0]
    if houses:
        message = _("This address exists in several places: choose one or put a pin on the map.")
        raise AddressNotExact(message, choices=houses[:CHOICES])
    if not candidates:
        raise AppealInputError(
            _("We could not find this address; pick the place on the map."), field="address"
        )
    _street, house = geocoding.parse_query(address)
    if house is None:
        message = _(
            "This address names a whole street: add the house number or put a pin on the map."
        )
    else:
        message = _(
            "We did not find this house number: choose a house below or put a pin on the map."
        )
    raise AddressNotExact(message, choices=candidates[:CHOICES])
