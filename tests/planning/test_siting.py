"""Siting jobs: validation, the run itself, cancellation, the API from every persona."""

import pytest
from django.utils import translation

from precinct.core.errors import DomainError
from precinct.planning import services, siting
from precinct.planning.models import SitingJob
from tests.planning.builders import node_lonlat

pytestmark = pytest.mark.django_db


def _job(people, **fields) -> SitingJob:
    fields = {"minutes": 10, "k": 2, **fields}
    return services.siting_job_create(actor=people.analyst, **fields)


def test_siting__max_cover_run_stores_sites_and_before_after(city, people):
    job = services.siting_job_execute(job_id=_job(people).pk)
    assert job.state == SitingJob.State.DONE, job.error
    assert len(job.chosen) == 2
    assert job.covered_after > job.covered_before > 0
    assert job.residents_total == 16900
    assert job.gap == 0.0
    assert job.solver_status == "optimal"
    deps = {d["department_id"]: d for d in job.by_department}
    assert sum(d["after"] for d in deps.values()) == pytest.approx(job.covered_after)
    assert all(d["after"] >= d["before"] for d in deps.values())


def test_siting__set_cover_run_reaches_the_target(city, people):
    job = services.siting_job_execute(job_id=_job(people, k=None, target_share=0.9).pk)
    assert job.state == SitingJob.State.DONE, job.error
    assert job.covered_after / job.residents_total >= 0.9
    assert len(job.chosen) >= 1


def test_siting__uploaded_candidates_by_coordinates(city, people):
    rows = "\n".join("{},{}".format(*node_lonlat(i, 6)) for i in (3, 9))
    job = _job(people, k=1, candidates_csv="lon,lat\n" + rows)
    assert len(job.candidate_nodes) == 2
    job = services.siting_job_execute(job_id=job.pk)
    assert {(c["lon"], c["lat"]) for c in job.chosen} <= {
        (round(x, 6), round(y, 6)) for x, y in (node_lonlat(3, 6), node_lonlat(9, 6))
    }


@pytest.mark.parametrize(
    "fields, field, words",
    [
        ({"minutes": 0}, "minutes", "more than 0"),
        ({"minutes": -4}, "minutes", "more than 0"),
        ({"k": 500}, "k", "larger than the number of candidate sites"),
        ({"k": 0}, "k", "whole number"),
        ({"k": 3, "candidates_csv": "lon,lat\n76.94,43.23\n76.95,43.24"}, "k", "larger than"),
        ({"candidates_csv": "lon,lat\n76.94,43.23\n80.0,50.0"}, "candidates",
         "line 3: outside the walking network"),
        ({"candidates_csv": "lon,lat\n76.94,abc"}, "candidates", "line 2: lon and lat"),
        ({"candidates_csv": "x,y\n1,2"}, "candidates", "columns lon,lat or osm_ref"),
        ({"candidates_csv": "osm_ref\nw404"}, "candidates", "line 2: no building"),
        ({"k": None, "target_share": 1.5}, "target_share", "at most 1"),
        ({"k": None, "target_share": None}, "k", "either k"),
    ],
)  # fmt: skip
def test_siting__bad_input_is_refused_with_the_field(city, people, fields, field, words):
    # A walking time is refused by the one rule of walking times (a translated DomainError).
    with translation.override("en"), pytest.raises((services.PlanningError, DomainError)) as exc:
        _job(people, **fields)
    assert exc.value.field == field
    assert words in str(exc.value)


def test_siting__infeasible_target_share_is_refused(city, people):
    csv = "lon,lat\n{},{}".format(*node_lonlat(6, 6))
    with translation.override("en"), pytest.raises(services.PlanningError) as exc:
        _job(people, k=None, target_share=0.99, minutes=5, candidates_csv=csv)
    assert exc.value.field == "target_share"
    assert "The target share 99 % cannot be reached" in str(exc.value).replace("\xa0", " ")
    with translation.override("kk"), pytest.raises(services.PlanningError) as exc:
        _job(people, k=None, target_share=0.99, minutes=5, candidates_csv=csv)
    assert str(exc.value).startswith("99\xa0% мақсатты үлесіне жету мүмкін емес")


def test_siting__cancel_of_a_queued_job_stops_it_before_it_runs(city, people):
    job = services.siting_job_cancel(actor=people.analyst, job=_job(people))
    assert job.state == SitingJob.State.CANCELLED
    assert services.siting_job_execute(job_id=job.pk).state == SitingJob.State.CANCELLED


def test_siting__cancel_while_running_keeps_the_best_solution(city, people):
    job = _job(people)
    SitingJob.objects.filter(pk=job.pk).update(state="running", cancel_requested=True)
    job.refresh_from_db()
    job = siting.run(job)
    assert job.state == SitingJob.State.CANCELLED
    assert len(job.chosen) == 2  # the greedy answer survives a cancel


def test_siting__failure_is_stored_on_the_job(city, people, settings, tmp_path):
    job = _job(people)
    settings.PRECINCT_NETWORK_DIR = tmp_path / "gone"
    with pytest.raises(Exception):  # noqa: B017 - whatever breaks, the job says so
        services.siting_job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == SitingJob.State.FAILED
    assert job.error


# --- API ------------------------------------------------------------------------------
def _post(client, user, **body):
    client.force_login(user)
    return client.post("/api/v1/planning/siting", body, content_type="application/json")


@pytest.mark.parametrize("persona", ["analyst", "admin"])
def test_siting_api__planners_queue_a_job(client, city, people, persona):
    response = _post(client, getattr(people, persona), k=2, minutes=10)
    assert response.status_code == 202
    body = response.json()
    assert body["state"] == "queued"
    assert SitingJob.objects.filter(pk=body["id"]).exists()


def test_siting_api__head_within_own_department(client, city, people):
    t = city.territory
    assert (
        _post(client, people.head, k=1, minutes=10, department_id=t.district_a.pk).status_code
        == 202
    )
    assert (
        _post(client, people.head, k=1, minutes=10, department_id=t.district_b.pk).status_code
        == 403
    )
    assert _post(client, people.head, k=1, minutes=10).status_code == 403


@pytest.mark.parametrize("persona", ["inspector", "patrol", "operator", "outsider"])
def test_siting_api__others_are_refused(client, city, people, persona):
    response = _post(client, getattr(people, persona), k=2, minutes=10)
    assert response.status_code == 403


def test_siting_api__residents_must_sign_in(client, city):
    body = {"k": 2, "minutes": 10}
    response = client.post("/api/v1/planning/siting", body, content_type="application/json")
    assert response.status_code == 401


@pytest.mark.parametrize(
    "body, field",
    [({"k": 2, "minutes": 0}, "minutes"), ({"k": 9999, "minutes": 10}, "k"),
     ({"k": 2, "minutes": 10, "candidates_csv": "lon,lat\n10,10"}, "candidates"),
     ({"k": 2}, "minutes")],
)  # fmt: skip
def test_siting_api__bad_input_is_400(client, city, people, body, field):
    response = _post(client, people.analyst, **body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field


def test_siting_api__get_result_and_cancel(client, city, people):
    job_id = _post(client, people.analyst, k=2, minutes=10).json()["id"]
    services.siting_job_execute(job_id=job_id)
    body = client.get(f"/api/v1/planning/siting/{job_id}").json()
    assert body["state"] == "done"
    assert len(body["chosen"]) == 2
    assert body["residents_within_after"] > body["residents_within_before"]
    assert body["gap"] == 0.0
    assert 0 < body["share_before"] < body["share_after"] <= 1
    cancelled = client.post(f"/api/v1/planning/siting/{job_id}/cancel").json()
    assert cancelled["state"] == "done"  # finished jobs stay as they are


def test_siting_api__jobs_of_other_scopes_are_404(client, city, people):
    job_id = _post(client, people.analyst, k=2, minutes=10).json()["id"]
    client.force_login(people.outsider)
    assert client.get(f"/api/v1/planning/siting/{job_id}").status_code == 404


@pytest.mark.parametrize(
    ("language", "words"),
    [("ru", "строка 2: lon и lat должны быть числами"),
     ("kk", "жол 2: lon мен lat сан болуы керек")],
)  # fmt: skip
def test_siting__candidate_list_refusals_in_the_readers_language(city, people, language, words):
    with translation.override(language), pytest.raises(services.PlanningError) as exc:
        _job(people, candidates_csv="lon,lat\n76.94,abc")
    assert exc.value.field == "candidates"
    assert words in str(exc.value)
