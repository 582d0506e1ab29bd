"""Background work of the 102 service: keeping the response rollups up to date.

``rollups_refresh`` is a periodic job of every worker (``PRECINCT_PERIODIC_JOBS``): it
rebuilds the days marked dirty since its last turn, so a late arrival, a correction or a
deletion reaches the measures within that period. The same work can be enqueued on the
durable queue after a large change (``rollups_rebuild.enqueue()``, e.g. after an import).
"""

from django_tasks import task

from precinct.dispatch import rollups


def rollups_refresh() -> int:
    """Rebuild the dirty days; the number rebuilt (safe from several workers at once)."""
    return rollups.rebuild_dirty()


@task()
def rollups_rebuild() -> int:
    """The queued form of :func:`rollups_refresh`."""
    return rollups.rebuild_dirty()
