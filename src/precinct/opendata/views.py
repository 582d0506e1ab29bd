"""The open-data API's forces and neighbourhoods, at /opendata/api/ (data.police.uk's
addresses and shapes; the frame, ``opendata.frame``, gives every answer its language,
CORS, caching and errors). Thin: each resource hands its path to ``selectors``."""

from precinct.opendata import selectors
from precinct.opendata.frame import resource


@resource()
def forces(request):
    return selectors.forces()


@resource()
def force(request, force: str):
    return selectors.force(force, absolute=request.build_absolute_uri)


@resource()
def senior_officers(request, force: str):
    return selectors.senior_officers(force)


@resource()
def neighbourhoods(request, force: str):
    return selectors.neighbourhoods(force)


@resource()
def neighbourhood(request, force: str, neighbourhood: str):
    return selectors.neighbourhood(force, neighbourhood, absolute=request.build_absolute_uri)


@resource()
def boundary(request, force: str, neighbourhood: str):
    return selectors.boundary(force, neighbourhood)


@resource()
def people(request, force: str, neighbourhood: str):
    return selectors.people(force, neighbourhood)


@resource()
def events(request, force: str, neighbourhood: str):
    return selectors.events(force, neighbourhood, absolute=request.build_absolute_uri)


@resource()
def priorities(request, force: str, neighbourhood: str):
    return selectors.priorities_of(force, neighbourhood)


@resource()
def locate_neighbourhood(request):
    return selectors.locate_neighbourhood(request.GET.get("q"))
