"""Planning pages: public coverage and programme; planners' staffing and scenarios."""

import datetime as dt
import json

import pytest

from precinct.planning import services
from precinct.planning.models import SitingJob

pytestmark = pytest.mark.django_db


def test_coverage_page__public_with_tables_and_map(client, city):
    response = client.get("/planning/coverage/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="coverage-department"' in html and 'id="map"' in html
    assert "vendor/leaflet-1.9.4/leaflet.js" in html and "plotly" not in html
    config = json.loads(html.split('id="map-config" type="application/json">')[1].split("<")[0])
    assert config["resultUrl"].startswith("/planning/coverage/map.json?minutes=15")


def test_coverage_page__bad_minutes_is_400(client, city):
    response = client.get("/planning/coverage/?minutes=0", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "more than 0" in response.content.decode()


def test_coverage_map_json__aggregates_only(client, city):
    data = client.get("/planning/coverage/map.json?minutes=10&what_if=1").json()
    assert set(data) == {"minutes", "what_if", "points", "posts", "isochrone"}
    assert set(data["points"]["covered"]) == {"lon", "lat", "residents"}
    assert client.get("/planning/coverage/map.json?minutes=-1").status_code == 400


def test_construction_page__public_without_budgets(client, city, people):
    services.post_project_save(
        actor=people.admin, post=city.building_post, funding_body="akimat",
        due_on=dt.date(2020, 1, 1), budget_kzt=123456789, progress_notes="secret-ish note",
    )  # fmt: skip
    html = client.get("/planning/construction/").content.decode()
    assert "0 of 1" in html.replace("\xa0", " ") or "0 из 1" in html
    assert 'class="overdue"' in html
    assert "123456789" not in html and "secret-ish note" not in html
    client.force_login(people.analyst)
    staff_html = client.get("/planning/construction/").content.decode()
    assert "secret-ish note" in staff_html and "123" in staff_html


@pytest.mark.parametrize("url", ["/planning/staffing/", "/planning/scenarios/"])
def test_planner_pages__residents_sign_in_and_other_staff_are_refused(client, city, people, url):
    assert client.get(url).status_code == 302
    client.force_login(people.inspector)
    assert client.get(url).status_code == 403
    client.force_login(people.head)
    assert client.get(url).status_code == 200


def test_staffing_page__upload_with_errors_names_lines(client, city, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(people.analyst)
    bad = SimpleUploadedFile("s.csv", b"department,inspectors\nup-almaly,x\n")
    response = client.post("/planning/staffing/", {"file": bad})
    assert response.status_code == 400
    assert "line 2" in response.content.decode()
    good = SimpleUploadedFile("s.csv", b"department,inspectors\nup-almaly,7\n")
    response = client.post("/planning/staffing/", {"file": good}, follow=True)
    assert response.status_code == 200
    assert "(return)" in response.content.decode() or "(отчёт)" in response.content.decode()


def test_scenarios_page__run_follow_save_export_compare(client, city, people):
    client.force_login(people.analyst)
    response = client.post("/planning/scenarios/", {"minutes": 10, "k": 2, "name": "A"})
    assert response.status_code == 302
    job = SitingJob.objects.get()
    assert client.get(f"/planning/scenarios/{job.pk}/").status_code == 200
    fragment = client.get(f"/planning/scenarios/{job.pk}/", headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in fragment.content.decode()
    services.siting_job_execute(job_id=job.pk)
    html = client.get(f"/planning/scenarios/{job.pk}/").content.decode()
    assert 'id="sites"' in html and "hx-trigger" not in html
    client.post(f"/planning/scenarios/{job.pk}/save/", {"name": "Two posts"})
    job.refresh_from_db()
    assert job.saved and job.name == "Two posts"
    csv = client.get(f"/planning/scenarios/{job.pk}/export.csv").content.decode().splitlines()
    assert csv[0].startswith("scenario,site,lon,lat") and len(csv) == 3
    geo = json.loads(client.get(f"/planning/scenarios/{job.pk}/export.geojson").content)
    assert len(geo["features"]) == 2
    assert geo["properties"]["residents_within_after"] == job.covered_after
    compare = client.get(f"/planning/scenarios/compare/?id={job.pk}").content.decode()
    assert "Two posts" in compare


def test_scenarios_page__bad_input_shows_the_message(client, city, people):
    client.force_login(people.analyst)
    response = client.post("/planning/scenarios/", {"minutes": 10, "k": 999},
                           HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert response.status_code == 400
    assert "larger than the number of candidate sites" in response.content.decode()
    response = client.post("/planning/scenarios/", {"minutes": 10, "k": 999},
                           HTTP_ACCEPT_LANGUAGE="ru")  # fmt: skip
    assert "больше числа площадок-кандидатов" in response.content.decode()


def test_scenarios__outsider_cannot_open_others_scenarios(client, city, people):
    job = services.siting_job_create(actor=people.analyst, minutes=10, k=1)
    client.force_login(people.outsider)
    assert client.get(f"/planning/scenarios/{job.pk}/").status_code == 404
    assert client.get(f"/planning/scenarios/{job.pk}/export.csv").status_code == 404


def test_coverage_page__one_level_at_a_time_searched_and_paged(client, city, monkeypatch):
    from precinct.core import listing

    monkeypatch.setattr(listing, "PER_PAGE", 1)
    html = client.get("/planning/coverage/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    table = html.split('id="coverage-department"')[1].split("</table>")[0]
    assert table.count("<tr>") == 2  # the header and one department of three
    assert "page 1 of 3" in html and 'rel="next"' in html
    assert 'id="coverage-precinct"' not in html  # the other levels are a tab away
    second = client.get("/planning/coverage/?page=2", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert second.split('id="coverage-department"')[1].split("</table>")[0] != table

    found = client.get("/planning/coverage/?level=department&q=MEDEU",
                       HTTP_ACCEPT_LANGUAGE="en").content.decode()  # fmt: skip
    rows = found.split('id="coverage-department"')[1].split("</table>")[0]
    assert "1 found" in found and "Medeu" in rows and "Almaly" not in rows
    nothing = client.get("/planning/coverage/?level=precinct&q=zzz", HTTP_ACCEPT_LANGUAGE="en")
    assert nothing.status_code == 200 and "No area matches." in nothing.content.decode()


def test_staffing_page__departments_searched_and_paged(client, city, people, monkeypatch):
    from precinct.core import listing

    monkeypatch.setattr(listing, "PER_PAGE", 1)
    client.force_login(people.analyst)
    html = client.get("/planning/staffing/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    table = html.split('id="staffing"')[1].split("</tbody>")[0]
    assert table.count("<tr>") == 2 and "page 1 of 2" in html  # the header and one row
    found = client.get("/planning/staffing/?q=almaly", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    rows = found.split('id="staffing"')[1].split("</tbody>")[0]
    assert "1 found" in found and "Almaly" in rows and "Medeu" not in rows
