"""A wave's results from its cells against the exact computation from every response:
after responses arrive, are moved, are deleted, and when a margin changes."""

import numpy as np
import pytest
from django.db import transaction
from django.utils import timezone

from precinct.surveys import cells, metrics, services
from precinct.surveys.estimates import survey_estimates
from precinct.surveys.models import Response, SurveyCell, SurveyCellsDirty

pytestmark = pytest.mark.django_db
AGES = ["18-29", "30-44", "45-59", "60+"]


def _responses(wave, territory, n, rng, *, ref="r"):
    departments = [territory.district_a, territory.district_b]
    rows = []
    for i in range(n):
        answers = {
            "trust_local": int(rng.integers(1, 6)),
            "knows_inspector": bool(rng.random() < 0.4),
        }
        if rng.random() < 0.1:
            del answers["trust_local"]  # unanswered: NaN in the estimates
        rows.append(Response(
            survey=wave, department=departments[int(rng.integers(0, 2))],
            age_group=AGES[int(rng.integers(0, 4))], sex="mf"[int(rng.integers(0, 2))],
            answers=answers, source="demo", submitted_at=timezone.now(),
            respondent_ref=f"{ref}{i}",
        ))  # fmt: skip
    return Response.objects.bulk_create(rows)


@pytest.fixture
def margins(territory):
    region = territory.region
    age_sex = {f"{a}:{s}": 500 + 100 * i for i, (a, s) in enumerate(
        (a, s) for a in AGES for s in "mf")}  # fmt: skip
    total = sum(age_sex.values())
    services.margins_set(region=region, dimension="age_sex", totals=age_sex, source="test")
    districts = {str(territory.district_a.pk): total - 1500, str(territory.district_b.pk): 1500}
    services.margins_set(region=region, dimension="district", totals=districts, source="test")


def _close(a, b):
    assert a.keys() == b.keys()
    for k in a:
        if isinstance(a[k], float):
            assert a[k] == pytest.approx(b[k], rel=1e-9, abs=1e-12), k
        else:
            assert a[k] == b[k], k


def assert_cells_equal_exact(wave) -> list[dict]:
    assert not SurveyCellsDirty.objects.filter(survey=wave).exists()
    rolled = survey_estimates(survey=wave)
    exact = survey_estimates(survey=wave, exact=True)
    assert rolled["weights"].values is not None  # read from the cells
    assert exact["weights"].values is None  # read from the responses
    assert len(rolled["rows"]) == len(exact["rows"]) > 0
    for r, e in zip(rolled["rows"], exact["rows"], strict=True):
        _close(r, e)
    w, x = rolled["weights"], exact["weights"]
    assert (w.weighted, w.converged) == (x.weighted, x.converged)
    assert w.n_eff == pytest.approx(x.n_eff, rel=1e-9)
    assert w.design_effect == pytest.approx(x.design_effect, rel=1e-9)
    return rolled["rows"]


def test_cells_equal_exact_through_changes(wave, territory, margins):
    made = _responses(wave, territory, 900, np.random.default_rng(4))
    assert SurveyCellsDirty.objects.filter(survey=wave).exists()  # bulk_create marked it
    assert survey_estimates(survey=wave)["weights"].values is None  # dirty: read raw
    assert cells.cells_refresh() == 1
    rows = assert_cells_equal_exact(wave)
    region = next(r for r in rows if r["key"] == "trust_local" and r["department_id"] is None)
    assert region["n"] < 900 and 0 < region["value"] < 1  # the unanswered are left out
    # The cells do not grow with respondents: 2 districts × 8 cells × (1 + 2 + 2 values).
    assert SurveyCell.objects.filter(survey=wave).count() <= 2 * 8 * 5

    # More responses (one through the service), one moved, some deleted.
    _responses(wave, territory, 300, np.random.default_rng(5), ref="s")
    Response.objects.filter(pk=made[0].pk).update(department=territory.district_b)
    Response.objects.filter(pk__in=[r.pk for r in made[1:40]]).delete()
    made[50].delete()
    one = Response.objects.get(pk=made[60].pk)
    one.answers = {"trust_local": 5, "knows_inspector": True}
    one.save()
    assert SurveyCellsDirty.objects.filter(survey=wave).exists()
    assert cells.cells_refresh() == 1
    assert_cells_equal_exact(wave)

    # A margin changed: the cells need no recount, the weights follow the new margin.
    districts = {str(territory.district_a.pk): 3500, str(territory.district_b.pk): 3300}
    services.margins_set(region=territory.region, dimension="district", totals=districts,
                         source="test")  # fmt: skip
    assert_cells_equal_exact(wave)

    # The period's estimates (evaluation and the neighbourhood pages) read the cells too.
    rolled = metrics.period_estimates(period="2026")
    exact = metrics.period_estimates(period="2026", exact=True)
    for r, e in zip(rolled["rows"], exact["rows"], strict=True):
        _close(r, e)


def test_unweighted_and_empty_waves(wave, territory):
    assert cells.cells_refresh() == 0
    assert (
        survey_estimates(survey=wave)["rows"] == survey_estimates(survey=wave, exact=True)["rows"]
    )
    _responses(wave, territory, 50, np.random.default_rng(6))  # no margins: unweighted
    cells.cells_refresh()
    assert_cells_equal_exact(wave)


def test_a_response_rolled_back_marks_nothing(wave, territory):
    with pytest.raises(RuntimeError), transaction.atomic():
        _responses(wave, territory, 3, np.random.default_rng(7))
        assert SurveyCellsDirty.objects.exists()
        raise RuntimeError
    assert not SurveyCellsDirty.objects.exists()
