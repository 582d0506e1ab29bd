"""The workspace's choices come from named selectors: who may take an appeal, which answer
templates a department sees; a refused action shows the whole page again."""

import pytest
from django.urls import reverse

from precinct.appeals import selectors
from precinct.appeals.models import AnswerTemplate
from tests import factories
from tests.appeals.builders import appeal_in_district_a, complaint_about
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_assignees_are_the_inspectors_and_heads_who_may_take_it(world):
    appeal = appeal_in_district_a()
    names = {u.username for u in selectors.appeal_assignees(appeal=appeal)}
    # Patrol officers of the district, the city's operator, district B's head: never.
    assert names == {"inspector", "head"}


def test_the_officer_complained_about_is_never_an_assignee(world):
    complaint = complaint_about(world.inspector_officer)
    names = {u.username for u in selectors.appeal_assignees(appeal=complaint)}
    assert "inspector" not in names


def test_answer_templates_are_the_departments_own_and_everyones(world):
    AnswerTemplate.objects.create(title="общий", text="…")
    AnswerTemplate.objects.create(title="свой", text="…", department=world.t.district_a)
    AnswerTemplate.objects.create(title="чужой", text="…", department=world.t.district_b)
    titles = {t["title"] for t in selectors.answer_templates_for(department=world.t.district_a)}
    assert titles == {"общий", "свой"}


def test_a_refused_action_shows_the_page_with_its_choices(client, world):
    appeal = appeal_in_district_a()
    AnswerTemplate.objects.create(title="Меры приняты", text="Меры приняты.")
    assert client.login(request=factories.sign_in_request(), username="head", password=PASSWORD)
    url = reverse("appeals:staff-action", args=[appeal.pk, "answer"])
    page = client.post(url, {"answer": ""})
    assert page.status_code == 400
    html = page.content.decode()
    assert 'name="assignee"' in html and f'value="{world.p.inspector.pk}"' in html
    assert "Меры приняты" in html


def test_staff_actions_send_a_visitor_to_sign_in(client, world):
    appeal = appeal_in_district_a()
    response = client.post(reverse("appeals:staff-action", args=[appeal.pk, "start"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_unknown_action_is_not_found(client, world):
    appeal = appeal_in_district_a()
    assert client.login(request=factories.sign_in_request(), username="head", password=PASSWORD)
    url = reverse("appeals:staff-action", args=[appeal.pk, "delete"])
    assert client.post(url).status_code == 404


@pytest.mark.parametrize(
    ("language", "text"),
    [("kk", "Бұзушылық жойылды."), ("en", "Нарушение устранено."), ("ru", "Нарушение устранено.")],
)
def test_a_template_fills_the_answer_in_the_residents_language(client, world, language, text):
    AnswerTemplate.objects.create(
        title="Устранено", title_kk="Жойылды", text="Нарушение устранено.",
        text_kk="Бұзушылық жойылды.",
    )  # fmt: skip
    appeal = appeal_in_district_a(language=language)
    assert client.login(request=factories.sign_in_request(), username="head", password=PASSWORD)
    page = client.get(
        reverse("appeals:staff-appeal", args=[appeal.pk]), HTTP_ACCEPT_LANGUAGE="kk"
    ).content.decode()
    # Titled for the official in his page's language; the text is the resident's (English
    # not written yet: the Russian one).
    assert f'<option value="{text}">Жойылды</option>' in page
