"""Reads for the alerts pages and the admin: the precinct subscribed to, counts per precinct."""

from django.db.models import Count, Q

from precinct.alerts.models import KINDS, Subscription
from precinct.alerts.texts import KIND_LABELS
from precinct.territory.models import Precinct


def precinct_for_form(precinct_id: int | None) -> Precinct | None:
    if precinct_id is None:
        return None
    return Precinct.objects.select_related("department").filter(pk=precinct_id).first()


def kind_choices() -> list[tuple[str, str]]:
    return [(kind, KIND_LABELS[kind]) for kind in KINDS]


def counts_per_precinct() -> list[dict]:
    """Subscriptions per precinct and state, for staff (no address, ever)."""
    rows = (
        Subscription.objects.values("precinct_id")
        .annotate(
            active=Count("id", filter=Q(state=Subscription.State.ACTIVE)),
            pending=Count("id", filter=Q(state=Subscription.State.PENDING)),
            ended=Count("id", filter=~Q(state__in=["active", "pending"])),
        )
        .order_by("precinct_id")
    )
    precincts = Precinct.objects.select_related("department").in_bulk(
        [r["precinct_id"] for r in rows]
    )
    return [{**r, "precinct": precincts[r["precinct_id"]]} for r in rows]
