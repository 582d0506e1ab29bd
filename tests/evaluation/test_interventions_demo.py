"""The demo's interventions: the foot patrol pilot with its effect planted in the 102 calls,
posts the construction programme opened (treated where they bring residents within
walking reach) and a planned post with its design, each estimated by the build."""

import pytest

from precinct.accounts.models import User
from precinct.evaluation.models import Intervention
from precinct.planning import metrics as planning


def test_demo__pilot_and_posts_are_recorded_and_estimated(demo_city, db):
    pilot = Intervention.objects.get(kind=Intervention.Kind.FOOT_PATROL)
    assert pilot.estimation == Intervention.Estimation.DONE, pilot.estimation_error
    assert pilot.precincts.count() == 6
    estimates = {e.outcome: e for e in pilot.estimates.all()}
    assert set(estimates) == {"arrival", "calls", "appeals", "records", "trust", "safety"}
    # The planted effect: 30 % of the calls dropped and travel in half the time.
    calls, arrival = estimates["calls"], estimates["arrival"]
    for planted in (calls, arrival):
        assert planted.verdict == "effect" and planted.ci_high < 0, planted.outcome
    # Nothing was planted in appeals and offence records.
    assert estimates["appeals"].verdict != "effect"
    assert estimates["records"].verdict != "effect"
    assert calls.comparison_ids and arrival.series["treated"]
    opened = Intervention.objects.filter(
        kind=Intervention.Kind.POST_OPENED, state=Intervention.State.IN_EFFECT
    )
    assert opened.count() == 2
    assert all(c.estimation == Intervention.Estimation.DONE for c in opened)
    planned = Intervention.objects.get(state=Intervention.State.PLANNED)
    assert planned.design == {} or len(planned.design["pairs"]) >= 2


def test_demo__a_post_brings_residents_within_walking_reach(demo_city, db):
    change = Intervention.objects.filter(kind=Intervention.Kind.POST_OPENED).first()
    rows = planning.residents_brought_by_post(post_id=change.post_id)
    assert rows is not None
    for row in rows:
        assert 0 < row["residents_brought"] <= row["residents"]
    if change.reach:  # treated by reach: the precincts it brings 5 % or more of
        assert {int(k) for k in change.reach} == set(change.precincts.values_list("pk", flat=True))


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_demo__interventions_pages_for_the_demo_head_and_analyst(demo_city, db, client, lang):
    from tests.core.test_one_language import english_words

    client.force_login(User.objects.get(username="demo-admin"))
    listing = client.get("/evaluation/interventions/", HTTP_ACCEPT_LANGUAGE=lang)
    assert listing.status_code == 200
    for change in Intervention.objects.all():
        page = client.get(f"/evaluation/interventions/{change.pk}/", HTTP_ACCEPT_LANGUAGE=lang)
        assert page.status_code == 200
        if lang != "en":
            assert english_words(page.content.decode()) == set(), change.name_en
