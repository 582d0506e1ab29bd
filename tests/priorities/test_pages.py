"""The staff pages: the precinct's priorities, setting one, and htmx review, action, close;
the overdue flag on the head's and the inspector's workspaces."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from precinct.priorities import services
from precinct.priorities.models import Priority
from tests.appeals.builders import appeal_in_district_a

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _priority(place, **fields) -> Priority:
    values = {"issue": "Парковка на тротуарах", "issue_en": "Parking on pavements",
              "since": timezone.localdate() - dt.timedelta(days=30), **fields}  # fmt: skip
    return services.priority_set(
        actor=place.personas.head, precinct=place.territory.precinct_a, **values
    )


def test_page__the_inspector_sees_themes_raised_and_sets_a_priority(place):
    for _ in range(2):
        appeal_in_district_a(category_code="noise")
    client = _client(place.personas.inspector)
    url = f"/priorities/precincts/{place.territory.precinct_a.pk}/"
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-theme="noise"' in html and "Noise" in html  # staff see small counts too
    answer = client.post(url, {"issue": "Шум по ночам", "issue_en": "Noise at night",
                               "since": "2026-10-01", "theme": "noise"})  # fmt: skip
    assert answer.status_code == 302
    assert "Noise at night" in client.get(url).content.decode()


def test_page__a_refused_form_names_the_field_with_400(place):
    client = _client(place.personas.head)
    url = f"/priorities/precincts/{place.territory.precinct_a.pk}/"
    answer = client.post(url, {"issue": "", "since": "not a date"})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "Write it in Russian" in html and "Enter a date." in html
    assert not Priority.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("outsider", 403), ("analyst", 403), ("other", 403)])
def test_page__closed_to_those_who_do_not_set_them(place, who, status):
    user = place.other_inspector if who == "other" else getattr(place.personas, who)
    answer = _client(user).get(f"/priorities/precincts/{place.territory.precinct_a.pk}/")
    assert answer.status_code == status
    assert _client(place.personas.head).get("/priorities/precincts/999999/").status_code == 404


def test_card__review_action_close_by_htmx_swap_one_card(place):
    priority = _priority(place)
    Priority.objects.filter(pk=priority.pk).update(reviewed_on=dt.date(2026, 1, 1))
    client = _client(place.personas.inspector)
    htmx = {"HTTP_HX_REQUEST": "true"}
    card = client.post(
        f"/priorities/{priority.pk}/review/", {"issue_en": "Cars on pavements"}, **htmx
    )
    html = card.content.decode()
    assert card.status_code == 200 and html.startswith('<article class="priority"')
    assert "Cars on pavements" in html and "review overdue" not in html
    done = timezone.localdate().isoformat()
    action = {"done_on": done, "text": "Рейд", "text_en": "A raid"}
    card = client.post(f"/priorities/{priority.pk}/actions/", action, **htmx)
    assert card.status_code == 200 and "A raid" in card.content.decode()
    refused = client.post(
        f"/priorities/{priority.pk}/actions/", {"done_on": "", "text": ""}, **htmx
    )
    assert refused.status_code == 400 and "Enter a date." in refused.content.decode()
    card = client.post(f"/priorities/{priority.pk}/close/", **htmx)
    assert card.status_code == 200 and "Closed on" in card.content.decode()
    assert Priority.objects.get(pk=priority.pk).state == Priority.State.CLOSED
    # Without script the same forms reload the page.
    again = client.post(f"/priorities/{priority.pk}/close/")
    assert again.status_code == 409


def test_card__another_precincts_inspector_is_refused(place):
    priority = _priority(place)
    client = _client(place.other_inspector)
    assert client.post(f"/priorities/{priority.pk}/close/").status_code == 403
    assert Priority.objects.get(pk=priority.pk).state == Priority.State.ACTIVE


def test_index__lists_the_users_precincts_with_overdue_counts(place):
    stale = _priority(place)
    Priority.objects.filter(pk=stale.pk).update(
        reviewed_on=timezone.localdate() - dt.timedelta(days=93)
    )
    head = _client(place.personas.head).get("/priorities/").content.decode()
    assert f'data-precinct="{place.territory.precinct_a.pk}"' in head
    assert f'data-precinct="{place.precinct_a2.pk}"' in head
    assert f'data-precinct="{place.precinct_b.pk}"' not in head
    assert '<strong class="badge overdue-badge">1</strong>' in head
    mine = _client(place.personas.inspector).get("/priorities/").content.decode()
    assert f'data-precinct="{place.precinct_a2.pk}"' not in mine


def test_workspaces__flag_a_priority_not_reviewed_for_three_months(place):
    fresh = _priority(place, issue_en="Fresh")
    stale = _priority(place, issue_en="Stale")
    Priority.objects.filter(pk=stale.pk).update(
        reviewed_on=timezone.localdate() - dt.timedelta(days=100)
    )
    head = _client(place.personas.head).get("/workspace/department/").content.decode()
    overdue = head.split('id="ws-priorities"')[1].split("</section>")[0]
    assert f'data-priority="{stale.pk}"' in overdue and f'data-priority="{fresh.pk}"' not in overdue
    assert f"/priorities/precincts/{place.territory.precinct_a.pk}/#priority-{stale.pk}" in overdue
    mine = _client(place.personas.inspector).get("/workspace/").content.decode()
    listed = mine.split('id="ws-priorities"')[1].split("</section>")[0]
    assert f'<li class="overdue" data-priority="{stale.pk}">' in listed
    assert f'<li data-priority="{fresh.pk}">' in listed
    assert "Set and review priorities" in listed
    # The other district's head does not see district A's overdue priorities.
    outsider = _client(place.personas.outsider).get("/workspace/department/").content.decode()
    assert f'data-priority="{stale.pk}"' not in outsider
