"""The post-construction programme: funding, due dates, progress and overdue posts."""

import datetime as dt

import pytest

from precinct.planning import selectors, services
from precinct.territory.models import Post

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def programme(city, people):
    save = services.post_project_save
    save(actor=people.admin, post=city.open_post, funding_body="akimat", due_on=dt.date(2024, 3, 1))
    save(actor=people.admin, post=city.building_post, funding_body="ministry",
         due_on=dt.date(2026, 1, 1), budget_kzt="45000000")  # fmt: skip
    save(actor=people.admin, post=city.planned_post, funding_body="maslihat",
         due_on=dt.date(2027, 6, 1))  # fmt: skip
    return city


def test_progress__counts_per_department_region_and_total(programme):
    progress = selectors.programme_progress(today=TODAY)
    total = progress["total"]
    assert (total.total, total.open, total.building, total.planned) == (3, 1, 1, 1)
    assert total.overdue == 1  # the building post was due on 1 January 2026
    deps = {r.id: r for r in progress["departments"]}
    b = deps[programme.territory.district_b.id]
    assert (b.total, b.open, b.overdue) == (2, 0, 1)
    assert progress["regions"][0].total == 3


def test_progress__overdue_and_late_flags(programme):
    items = {i["post"].pk: i for i in selectors.programme_projects(today=TODAY)}
    assert items[programme.building_post.pk]["overdue"]
    assert items[programme.building_post.pk]["days_overdue"] == (TODAY - dt.date(2026, 1, 1)).days
    assert not items[programme.planned_post.pk]["overdue"]
    assert items[programme.open_post.pk]["late"] is False  # opened 2024-01-01, due 2024-03-01


def test_project__bad_input_and_scope(city, people):
    with pytest.raises(services.PlanningError):
        services.post_project_save(actor=people.admin, post=city.open_post,
                                   funding_body="bank", due_on=TODAY)  # fmt: skip
    with pytest.raises(services.PlanningError):
        services.post_project_save(
            actor=people.admin, post=city.open_post, funding_body="akimat", due_on=TODAY,
            budget_kzt="lots",
        )  # fmt: skip
    with pytest.raises(services.PlanningForbidden):
        services.post_project_save(actor=people.outsider, post=city.open_post,
                                   funding_body="akimat", due_on=TODAY)  # fmt: skip
    with pytest.raises(services.PlanningForbidden):
        services.post_project_save(actor=people.inspector, post=city.open_post,
                                   funding_body="akimat", due_on=TODAY)  # fmt: skip


def test_construction_api__public_summary(client, programme):
    rows = client.get("/api/v1/planning/construction").json()
    total = next(r for r in rows if r["level"] == "total")
    assert (total["total"], total["open"]) == (3, 1)
    assert {r["level"] for r in rows} == {"region", "department", "total"}
    assert "budget_kzt" not in total


def test_progress__closed_posts_are_neither_open_nor_overdue(programme):
    Post.objects.filter(pk=programme.building_post.pk).update(state="closed")
    total = selectors.programme_progress(today=TODAY)["total"]
    assert (total.total, total.open, total.building, total.overdue) == (3, 1, 0, 0)
