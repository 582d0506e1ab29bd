"""Interventions: recording a change, who may, the API's shapes, an estimate of a planted
effect on fixture data, and refusals of bad input."""

import datetime as dt

import numpy as np
import pytest
from django.utils import translation
from django_tasks_db.models import DBTaskResult
from shapely.geometry import box

from precinct.accounts.services import _token_create
from precinct.evaluation import display, services
from precinct.evaluation.models import Intervention, InterventionEstimate
from precinct.evaluation.outcomes import month_add
from precinct.territory import services as territory_services
from precinct.territory.models import Provenance
from tests.core.test_one_language import english_words

URL = "/api/v1/evaluation/interventions"
TODAY = dt.date(2026, 7, 15)
CHANGE = dt.date(2025, 7, 1)
# The planted effect: treated precincts record this many fewer offences per 1,000 residents
# a month from the change on.
PLANTED = -2.0


@pytest.fixture
def city(territory):
    """Twelve precincts of 4,000–7,000 residents in district A (the first is the fixture's)."""
    precincts = [territory.precinct_a]
    for k in range(2, 13):
        lon = 76.88 + 0.003 * k
        precincts.append(
            territory_services.precinct_create(
                department=territory.district_a, number=k,
                geometry=box(lon, 43.22, lon + 0.003, 43.23),
                residents=4000 + 250 * k, source=Provenance.DERIVED,
            )
        )  # fmt: skip
    return precincts


def _auth(user) -> dict:
    raw, _token = _token_create(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _record(actor, territory, precincts, **fields):
    request = {
        "actor": actor, "kind": "foot_patrol", "name": "Пилот пешего патрулирования",
        "name_en": "Foot patrol pilot", "starts_on": CHANGE,
        "department_id": territory.district_a.pk,
        "precinct_ids": [p.pk for p in precincts], "outcomes": ["records", "trust"],
    }  # fmt: skip
    return services.intervention_record(**{**request, **fields})


def _planted_rows(treated_ids, precincts, effect=PLANTED, seed=3):
    """Recorded offences per precinct and month, as crime.metrics returns them: a common
    seasonal level, a level of each precinct's own, noise, and the planted drop."""
    rng = np.random.default_rng(seed)

    def rows(*, start, end, categories=None):
        out = []
        month = start.replace(day=1)
        while month <= end:
            season = 1.0 + 0.3 * np.sin(month.month / 12 * 2 * np.pi)
            for p in precincts:
                rate = 6.0 + (p.number % 4) * 0.5 + season + rng.normal(0, 0.3)
                if p.pk in treated_ids and month >= CHANGE:
                    rate += effect
                out.append({"precinct_id": p.pk, "month": month,
                            "records": round(max(rate, 0) * p.residents / 1000)})  # fmt: skip
            month = month_add(month, 1)
        return out

    return rows


# --- recording and access ------------------------------------------------------------------


def test_analyst_records_a_change_with_its_precincts(db, personas, territory, city):
    change = _record(personas.analyst, territory, city[:3])
    assert change.recorded_by == personas.analyst
    assert change.estimation == Intervention.Estimation.PENDING
    assert sorted(change.precincts.values_list("pk", flat=True)) == sorted(p.pk for p in city[:3])
    assert change.outcomes == ["records", "trust"]


@pytest.mark.parametrize("who", ["inspector", "patrol", "operator", "outsider"])
def test_staff_out_of_the_planners_or_their_scope_cannot_record(db, personas, territory, city, who):
    with pytest.raises(services.InterventionForbidden):
        _record(getattr(personas, who), territory, city[:2])


def test_residents_and_inspectors_cannot_list_or_open_changes(
    db, client, personas, territory, city
):
    change = _record(personas.analyst, territory, city[:2])
    assert client.get(URL).status_code == 401
    assert client.get(f"{URL}/{change.pk}").status_code == 401
    inspector = _auth(personas.inspector)
    assert client.get(URL, **inspector).status_code == 403
    assert client.get(f"{URL}/{change.pk}", **inspector).status_code == 403
    # A head of another district sees the list of his scope, without this change.
    outsider = _auth(personas.outsider)
    assert client.get(URL, **outsider).json()["count"] == 0
    assert client.get(f"{URL}/{change.pk}", **outsider).status_code == 404
    assert client.get("/evaluation/interventions/").status_code == 302
    client.force_login(personas.inspector)
    assert client.get("/evaluation/interventions/").status_code == 403


# --- API -----------------------------------------------------------------------------------


def test_api_records_lists_and_shows_a_change(db, client, personas, territory, city):
    body = {
        "kind": "foot_patrol", "name": "Пилот", "name_kk": "Пилоттық жоба",
        "starts_on": "2025-07-01", "department_id": territory.district_a.pk,
        "precinct_ids": [city[0].pk, city[1].pk],
    }  # fmt: skip
    with django_capture_on_commit():
        response = client.post(URL, body, content_type="application/json", **_auth(personas.head))
    assert response.status_code == 202, response.content
    created = response.json()
    # The estimate is queued for the worker once the change is committed.
    queued = DBTaskResult.objects.filter(task_path__endswith="intervention_estimate_run")
    assert [r.args_kwargs["args"] for r in queued] == [[created["id"]]]
    assert created["estimation"] == "pending"
    assert [t["precinct_id"] for t in created["treated"]] == sorted([city[0].pk, city[1].pk])
    assert created["outcomes"] == [] and created["design"] is None

    listing = client.get(URL, **_auth(personas.analyst)).json()
    assert listing["count"] == 1 and listing["page"] == 1 and listing["pages"] == 1
    assert listing["results"][0]["id"] == created["id"]
    assert listing["results"][0]["treated_count"] == 2


def test_api_the_same_change_sent_twice_is_recorded_once(db, client, personas, territory, city):
    body = {
        "kind": "foot_patrol", "name": "Пилот", "starts_on": "2025-07-01",
        "department_id": territory.district_a.pk, "precinct_ids": [city[0].pk],
    }  # fmt: skip
    first = client.post(URL, body, content_type="application/json", **_auth(personas.head))
    again = client.post(
        URL, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="kk",
        **_auth(personas.head),
    )  # fmt: skip
    assert first.status_code == 202 and again.status_code == 409
    assert again.json()["code"] == "already_recorded"
    assert again.json()["detail"] == f"Бұл өзгеріс бұрын тіркелген (№ {first.json()['id']})."
    assert client.get(URL, **_auth(personas.analyst)).json()["count"] == 1


def django_capture_on_commit():
    """Run on_commit callbacks at once (the test runs inside a transaction)."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "parade"}, "kind"),
        ({"name": " "}, "name"),
        ({"state": "maybe"}, "state"),
        ({"department_id": 99999}, "department_id"),
        ({"outcomes": ["happiness"]}, "outcomes"),
        ({"precinct_ids": []}, "precinct_ids"),
        ({"post_id": 99999}, "post_id"),
        ({"starts_on": "someday"}, "starts_on"),
    ],
)
def test_api_refuses_bad_input_naming_the_field(
    db, client, personas, territory, city, change, field
):
    body = {
        "kind": "foot_patrol", "name": "Пилот", "starts_on": "2025-07-01",
        "department_id": territory.district_a.pk, "precinct_ids": [city[0].pk],
    }  # fmt: skip
    body.update(change)
    response = client.post(URL, body, content_type="application/json", **_auth(personas.analyst))
    assert response.status_code == 400, response.content
    fields = {e["field"] for e in response.json()["errors"]}
    assert any(field in (f or "") for f in fields), response.json()
    assert not Intervention.objects.exists()


def test_api_refuses_a_precinct_of_another_department(db, client, personas, territory, city):
    body = {
        "kind": "other", "name": "Пилот", "starts_on": "2025-07-01",
        "department_id": territory.district_b.pk, "precinct_ids": [city[0].pk],
    }  # fmt: skip
    response = client.post(URL, body, content_type="application/json", **_auth(personas.analyst))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "precinct_ids"


def test_api_unknown_change_and_bad_page(db, client, personas):
    auth = _auth(personas.analyst)
    assert client.get(f"{URL}/424242", **auth).status_code == 404
    assert client.get(f"{URL}?page=0", **auth).status_code == 400
    assert client.get(f"{URL}?page=x", **auth).status_code == 400


# --- estimates -------------------------------------------------------------------------------


def test_planted_effect_is_estimated_and_its_interval_covers_it(
    db, client, personas, territory, city, monkeypatch
):
    treated = city[:3]
    change = _record(personas.analyst, territory, treated)
    monkeypatch.setattr(
        "precinct.crime.metrics.records_by_precinct_month",
        _planted_rows({p.pk for p in treated}, city), raising=False,
    )  # fmt: skip
    services.intervention_estimate(intervention_id=change.pk, today=TODAY)
    change.refresh_from_db()
    assert change.estimation == Intervention.Estimation.DONE, change.estimation_error
    records = InterventionEstimate.objects.get(intervention=change, outcome="records")
    assert records.ci_low <= PLANTED <= records.ci_high
    assert records.ci_high < 0  # the data are clear enough to exclude no change
    assert records.verdict == "effect"
    assert records.method in ("randomisation", "wild_cluster_bootstrap")
    assert records.comparison_ids and not set(records.comparison_ids) & {p.pk for p in treated}
    series = records.series
    assert len(series["months"]) == 24 and series["change_at"] == 12
    assert series["months"][12] == "2025-07"
    # Survey outcomes are weighted per department, never per precinct: said, not invented.
    trust = InterventionEstimate.objects.get(intervention=change, outcome="trust")
    assert (trust.verdict, trust.reason, trust.effect) == (
        "cannot_tell", "not_measured_per_precinct", None,
    )  # fmt: skip

    body = client.get(f"{URL}/{change.pk}", **_auth(personas.head)).json()
    by_outcome = {o["outcome"]: o for o in body["outcomes"]}
    assert set(by_outcome) == {"records", "trust"}
    r = by_outcome["records"]
    assert {"effect", "ci_low", "ci_high", "method", "pre_trend", "verdict_text"} <= set(r)
    assert r["series"]["treated"][0] is not None
    assert [c["precinct_id"] for c in body["comparison"]] == sorted(records.comparison_ids)
    assert "опрос" in by_outcome["trust"]["verdict_text"]  # the default language, Russian


def test_no_effect_planted_is_not_reported_as_one(db, personas, territory, city, monkeypatch):
    treated = city[:3]
    change = _record(personas.analyst, territory, treated, outcomes=["records"])
    monkeypatch.setattr(
        "precinct.crime.metrics.records_by_precinct_month",
        _planted_rows({p.pk for p in treated}, city, effect=0.0), raising=False,
    )  # fmt: skip
    services.intervention_estimate(intervention_id=change.pk, today=TODAY)
    records = InterventionEstimate.objects.get(intervention=change, outcome="records")
    assert records.verdict != "effect"


def test_a_change_without_months_after_it_cannot_be_told(
    db, personas, territory, city, monkeypatch
):
    change = _record(personas.analyst, territory, city[:2], starts_on=dt.date(2026, 7, 1))
    monkeypatch.setattr(
        "precinct.crime.metrics.records_by_precinct_month",
        _planted_rows({city[0].pk}, city), raising=False,
    )  # fmt: skip
    services.intervention_estimate(intervention_id=change.pk, today=TODAY)
    records = InterventionEstimate.objects.get(intervention=change, outcome="records")
    assert records.verdict == "cannot_tell"
    assert records.reason == "too_few_periods"
    with translation.override("en"):
        assert "too few months" in display.verdict(_with_unit(records))


def test_a_planned_change_gets_matched_pairs_and_its_smallest_detectable_effect(
    db, personas, territory, city, monkeypatch
):
    change = _record(
        personas.analyst, territory, city[:3], state="planned", starts_on=dt.date(2026, 9, 1),
        outcomes=["records"],
    )  # fmt: skip
    monkeypatch.setattr(
        "precinct.crime.metrics.records_by_precinct_month",
        _planted_rows(set(), city), raising=False,
    )  # fmt: skip
    services.intervention_estimate(intervention_id=change.pk, today=TODAY)
    change.refresh_from_db()
    design = change.design
    assert design["outcome"] == "records"
    # Three precincts to treat, but six pairs: with fewer, no result could reach 95 %.
    assert len(design["pairs"]) == 6
    paired = [pk for pair in design["pairs"] for pk in pair]
    assert len(set(paired)) == 12 and set(paired) <= {p.pk for p in city}
    assert 0 < design["mde"] < 10


def _with_unit(estimate):
    estimate.unit = "per_1000"
    return estimate


# --- pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_detail_page_shows_precincts_verdicts_and_the_trends(
    db, client, personas, territory, city, monkeypatch, lang
):
    treated = city[:3]
    change = _record(personas.analyst, territory, treated)
    monkeypatch.setattr(
        "precinct.crime.metrics.records_by_precinct_month",
        _planted_rows({p.pk for p in treated}, city), raising=False,
    )  # fmt: skip
    services.intervention_estimate(intervention_id=change.pk, today=TODAY)
    client.force_login(personas.head)
    page = client.get(f"/evaluation/interventions/{change.pk}/", HTTP_ACCEPT_LANGUAGE=lang)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="plot-records"' in html and "data-figure=" in html
    assert str(city[1].number) in html
    records = InterventionEstimate.objects.get(intervention=change, outcome="records")
    for pk in records.comparison_ids:
        assert f"№ {city[[p.pk for p in city].index(pk)].number}" in html or lang == "en"
    assert 'class="table-scroll"' in html
    if lang != "en":
        assert english_words(html) == set()
        listing = client.get("/evaluation/interventions/", HTTP_ACCEPT_LANGUAGE=lang)
        assert english_words(listing.content.decode()) == set()


def test_the_page_form_records_a_change(db, client, personas, territory, city):
    client.force_login(personas.analyst)
    data = {
        "kind": "foot_patrol", "name": "Пилот", "starts_on": "2025-07-01", "state": "in_effect",
        "department": territory.district_a.pk, "precincts": [city[0].pk, city[2].pk],
        "outcomes": ["calls", "arrival"],
    }  # fmt: skip
    with django_capture_on_commit():
        response = client.post("/evaluation/interventions/", data)
    change = Intervention.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/evaluation/interventions/{change.pk}/"
    assert change.outcomes == ["calls", "arrival"]
    bad = client.post("/evaluation/interventions/", {**data, "precincts": []})
    assert bad.status_code == 400
    assert Intervention.objects.count() == 1
    # The menu links the page for heads and analysts, not for inspectors.
    assert 'href="/evaluation/interventions/"' in client.get("/evaluation/").content.decode()
    client.force_login(personas.inspector)
    assert 'href="/evaluation/interventions/"' not in client.get("/evaluation/").content.decode()


def test_api_refuses_to_record_for_those_who_may_not(db, client, personas, territory, city):
    body = {
        "kind": "foot_patrol", "name": "Пилот", "starts_on": "2025-07-01",
        "department_id": territory.district_a.pk, "precinct_ids": [city[0].pk],
    }  # fmt: skip
    assert client.post(URL, body, content_type="application/json").status_code == 401
    for who in ("inspector", "outsider"):
        response = client.post(
            URL, body, content_type="application/json", **_auth(getattr(personas, who))
        )
        assert response.status_code == 403, who
        assert response.json()["code"] == "forbidden"
    assert not Intervention.objects.exists()
