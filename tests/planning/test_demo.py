"""The planning demo step on the central-Almaty cut."""

import pytest

from precinct.planning.models import PostProject, SitingJob, StaffingNorm

pytestmark = pytest.mark.django_db


def test_demo__coverage_shortfall_programme_and_a_saved_scenario(demo_city):
    text = "\n".join(demo_city.lines)
    assert "within 10 min walk" in text
    assert "shortfall" in text
    assert "Construction programme" in text
    assert "Saved siting scenario" in text, text
    assert StaffingNorm.objects.count() == 2
    assert PostProject.objects.exists()
    job = SitingJob.objects.get(saved=True)
    assert job.state == "done" and len(job.chosen) == job.k
    assert job.covered_after >= job.covered_before


def test_demo__pages_render_on_the_demo_city(client, demo_city):
    assert client.get("/planning/coverage/").status_code == 200
    assert client.get("/planning/construction/").status_code == 200
    rows = client.get("/api/v1/planning/coverage?minutes=15").json()
    assert any(r["residents"] > 0 for r in rows)
