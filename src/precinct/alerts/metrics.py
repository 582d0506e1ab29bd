"""The read surface of alerts: how many residents follow each precinct, never who.

Counts only; a page that publishes them passes them through ``analytics.disclosure``.
A precinct nobody subscribed to has no row.
"""

from django.db.models import Count, Q

from precinct.alerts.models import Subscription


def subscriber_counts(*, precinct_ids: list[int] | None = None) -> dict[int, dict]:
    """Per precinct: confirmed subscriptions and those waiting for confirmation."""
    qs = Subscription.objects.all()
    if precinct_ids is not None:
        qs = qs.filter(precinct_id__in=precinct_ids)
    rows = (
        qs.values("precinct_id")
        .annotate(
            active=Count("id", filter=Q(state=Subscription.State.ACTIVE)),
            pending=Count("id", filter=Q(state=Subscription.State.PENDING)),
        )
        .order_by("precinct_id")
    )
    return {r["precinct_id"]: {"active": r["active"], "pending": r["pending"]} for r in rows}
