"""The writers of priorities: who may write, what they refuse, what the audit log keeps."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from precinct.audit.models import AuditEntry
from precinct.priorities import services
from precinct.priorities.models import Priority, PriorityReview
from precinct.priorities.services import PriorityError

pytestmark = pytest.mark.django_db


def _set(actor, precinct, **fields):
    values = {"issue": "Парковка на тротуарах", "since": timezone.localdate(), **fields}
    return services.priority_set(actor=actor, precinct=precinct, **values)


def test_set__by_the_precincts_inspector_is_its_first_review_and_audited(place):
    inspector = place.personas.inspector
    priority = _set(
        inspector, place.territory.precinct_a, issue_en="Parking on pavements",
        place="ул. Абая, 10", since=timezone.localdate() - dt.timedelta(days=40), theme="traffic",
    )  # fmt: skip
    assert priority.reviewed_on == timezone.localdate()
    assert priority.set_by_id == inspector.officer_id
    assert list(
        PriorityReview.objects.filter(priority=priority).values_list("reviewed_on", flat=True)
    ) == [timezone.localdate()]
    entry = AuditEntry.objects.get(subject_type="priorities.priority", subject_id=str(priority.pk))
    assert entry.action == AuditEntry.Action.CREATE and entry.actor == inspector
    assert "place" in entry.fields and "issue_en" in entry.fields


@pytest.mark.parametrize("who", ["head", "deputy"])
def test_set__heads_and_deputies_for_any_precinct_of_their_department(place, who):
    actor = place.deputy if who == "deputy" else place.personas.head
    assert _set(actor, place.precinct_a2).precinct == place.precinct_a2


@pytest.mark.parametrize(
    ("who", "precinct"),
    [
        ("outsider", "precinct_a"),  # the head of another department
        ("other_inspector", "precinct_a"),  # the inspector of another precinct
        ("inspector", "precinct_a2"),  # his own department, not his precinct
        ("head", "precinct_b"),
        ("analyst", "precinct_a"),
        ("admin", "precinct_a"),
        ("operator", "precinct_a"),
    ],
)
def test_set__refused_to_everyone_else(place, who, precinct):
    actor = place.other_inspector if who == "other_inspector" else getattr(place.personas, who)
    target = place.territory.precinct_a if precinct == "precinct_a" else getattr(place, precinct)
    with pytest.raises(PermissionDenied):
        _set(actor, target)
    assert not Priority.objects.exists()


def test_set__needs_the_russian_issue_a_past_date_and_a_known_theme(place):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(PriorityError) as refused:
        _set(place.personas.head, place.territory.precinct_a, issue="  ", issue_en="Only English",
             since=tomorrow, theme="officer-conduct", place="x" * 301)  # fmt: skip
    fields = dict(refused.value.errors)
    assert set(fields) == {"issue", "since", "theme", "place"}
    with pytest.raises(PriorityError) as refused:
        _set(place.personas.head, place.territory.precinct_a, since=None)
    assert refused.value.errors[0][0] == "since"
    assert not Priority.objects.exists()


def test_review__edits_texts_keeps_the_others_and_adds_to_the_history(place):
    head = place.personas.head
    priority = _set(head, place.territory.precinct_a, issue_kk="Тротуардағы көліктер")
    Priority.objects.filter(pk=priority.pk).update(reviewed_on=dt.date(2026, 1, 5))
    reviewed = services.priority_review(actor=head, priority=priority, issue_en="Parking")
    assert reviewed.reviewed_on == timezone.localdate()
    assert (reviewed.issue, reviewed.issue_kk, reviewed.issue_en) == (
        "Парковка на тротуарах", "Тротуардағы көліктер", "Parking",
    )  # fmt: skip
    assert PriorityReview.objects.filter(priority=priority).count() == 2
    entry = AuditEntry.objects.filter(subject_id=str(priority.pk)).latest("at")
    assert entry.action == AuditEntry.Action.UPDATE and entry.fields == ["issue_en", "reviewed_on"]
    with pytest.raises(PriorityError):
        services.priority_review(actor=head, priority=priority, issue="")


def test_action__dated_not_before_the_issue_nor_in_the_future(place):
    head = place.personas.head
    since = timezone.localdate() - dt.timedelta(days=10)
    priority = _set(head, place.territory.precinct_a, since=since)
    action = services.priority_action_record(
        actor=place.personas.inspector, priority=priority, done_on=since, text="Рейд",
        text_en="A raid",
    )  # fmt: skip
    assert list(priority.actions.all()) == [action]
    for day in (since - dt.timedelta(days=1), timezone.localdate() + dt.timedelta(days=1)):
        with pytest.raises(PriorityError) as refused:
            services.priority_action_record(actor=head, priority=priority, done_on=day, text="x")
        assert refused.value.errors[0][0] == "done_on"
    with pytest.raises(PriorityError) as refused:
        services.priority_action_record(actor=head, priority=priority, done_on=since, text=" ")
    assert refused.value.errors[0][0] == "text"
    with pytest.raises(PermissionDenied):
        services.priority_action_record(
            actor=place.other_inspector, priority=priority, done_on=since, text="Чужой"
        )


def test_close__once_and_then_no_more_writes(place):
    head = place.personas.head
    priority = _set(head, place.territory.precinct_a)
    with pytest.raises(PermissionDenied):
        services.priority_close(actor=place.personas.outsider, priority=priority)
    closed = services.priority_close(actor=head, priority=priority)
    assert closed.state == Priority.State.CLOSED and closed.closed_on == timezone.localdate()
    for write in (
        lambda: services.priority_close(actor=head, priority=priority),
        lambda: services.priority_review(actor=head, priority=priority),
        lambda: services.priority_action_record(
            actor=head, priority=priority, done_on=timezone.localdate(), text="Поздно"
        ),
    ):
        with pytest.raises(PriorityError) as refused:
            write()
        assert refused.value.status == 409
