"""Writers of territory data. Views, admin, imports and the demo all call these."""

import datetime as dt

import shapely
from django.db import transaction
from django.utils.translation import gettext as _

from precinct.core.errors import DomainError
from precinct.territory.geo import bbox_fields
from precinct.territory.models import (
    Department,
    Officer,
    Post,
    Precinct,
    PrecinctAssignment,
    Provenance,
    Region,
)
from precinct.territory.network_import import networks_import


class TerritoryError(DomainError):
    """A territory change that breaks a rule; the message says which."""


def _area_fields(geometry, source: str) -> dict:
    if geometry is None:
        return {"boundary": "", "boundary_source": source}
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    return {
        "boundary": shapely.to_geojson(geometry),
        "boundary_source": source,
        **bbox_fields(geometry),
    }


@transaction.atomic
def department_create(
    *,
    region: Region,
    parent: Department | None,
    kind: str,
    code: str,
    name: str,
    name_kk: str = "",
    name_en: str = "",
    geometry=None,
    boundary_source: str = Provenance.ENTERED,
) -> Department:
    """Create a department and set its materialised path under its parent."""
    if parent is not None and parent.region_id != region.id:
        raise TerritoryError(_("A department must lie in the same region as its parent."))
    department = Department.objects.create(
        region=region,
        parent=parent,
        kind=kind,
        code=code,
        name=name,
        name_kk=name_kk,
        name_en=name_en,
        **_area_fields(geometry, boundary_source),
    )
    department.path = f"{parent.path if parent else '/'}{department.pk}/"
    department.save(update_fields=["path"])
    return department


@transaction.atomic
def department_save(*, department: Department) -> Department:
    """Save a department edited as a whole (the admin) and re-derive the subtree's paths."""
    department.clean()
    old_path = department.path
    department.save()
    parent_path = department.parent.path if department.parent_id else "/"
    department.path = f"{parent_path}{department.pk}/"
    department.save(update_fields=["path"])
    if old_path not in ("/", department.path):
        for child in Department.objects.filter(path__startswith=old_path).exclude(pk=department.pk):
            child.path = department.path + child.path[len(old_path) :]
            child.save(update_fields=["path"])
    return department


def precinct_create(
    *, department: Department, number: int, geometry, residents: int = 0, source: str
) -> Precinct:
    """Create a precinct with its polygon."""
    return Precinct.objects.create(
        department=department, number=number, residents=residents, **_area_fields(geometry, source)
    )


def post_create(*, department: Department, name: str, lon: float, lat: float, **fields) -> Post:
    """Create a post; an open post must say since when."""
    if fields.get("state") == Post.State.OPEN and not fields.get("opened_on"):
        raise TerritoryError(_("An open post needs its opening date."))
    return Post.objects.create(department=department, name=name, lon=lon, lat=lat, **fields)


@transaction.atomic
def inspector_assign(
    *, officer: Officer, precinct: Precinct, starts_on: dt.date
) -> PrecinctAssignment:
    """Assign an inspector to a precinct, ending his previous open assignment there."""
    if officer.role not in (Officer.Role.INSPECTOR, Officer.Role.ASSISTANT):
        raise TerritoryError(_("Only inspectors and their assistants serve precincts."))
    if officer.department_id != precinct.department_id:
        raise TerritoryError(_("The inspector belongs to another department."))
    PrecinctAssignment.objects.filter(
        officer=officer, precinct=precinct, ends_on__isnull=True
    ).update(ends_on=starts_on)
    return PrecinctAssignment.objects.create(
        officer=officer, precinct=precinct, starts_on=starts_on
    )


def region_networks_import(files, *, region: str | None = None, log=print):
    """Import road networks per region (``network_import.networks_import``): the one
    writer of the network folder, for ``precinct network import`` and the demo build."""
    return networks_import(files, region=region, log=log)
