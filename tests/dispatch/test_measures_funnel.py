"""The measures by precinct: each share within target against its funnel limits."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from precinct.analytics import funnel
from precinct.dispatch import metrics
from tests.dispatch import builders

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 1, tzinfo=ZoneInfo("Asia/Almaty"))
IN_A, IN_B = (76.90, 43.25), (76.94, 43.25)


@pytest.fixture
def shares(territory):
    """Twenty emergencies in each precinct: 8 of A's arrive within 15 minutes, all of B's."""
    precinct_b = builders.precinct_b(territory)

    def call(department, k, at, travel):
        return builders.past_call(department, 1, START + dt.timedelta(hours=k + 1), 60, travel,
                                  lon=at[0], lat=at[1])  # fmt: skip

    a = [call(territory.district_a, k, IN_A, 300 if k < 8 else 1500) for k in range(20)]
    b = [call(territory.district_b, k, IN_B, 300) for k in range(20)]
    builders.insert_calls(a + b)
    return precinct_b


def test_area_map__share_within_target_against_the_funnel(territory, shares):
    area = metrics.area_map(department=territory.city, start=START, end=START + dt.timedelta(31))
    rows = {r["precinct_id"]: r for r in area["precincts"]}
    a, b = rows[territory.precinct_a.id], rows[shares.id]
    # The whole area: 28 of 40 calls within target. For 20 calls around 0.7 the limits are
    # 0.463–0.869 (95 %) and 0.336–0.949 (99.8 %): A's 0.4 is below the first, B's 1.0
    # beyond the second.
    assert a["within_target_centre"] == pytest.approx(0.7)
    expected = funnel.proportion_limits(20, 0.7, 0.95)
    assert a["within_target_low_95"] == pytest.approx(float(expected.low))
    assert a["within_target_high_95"] == pytest.approx(float(expected.high))
    assert a["within_target_low_998"] == pytest.approx(0.33630, abs=1e-4)
    assert a["within_target_position"] == "below_95"
    assert b["within_target_position"] == "above_998"


def test_area_map__no_share_no_limits(territory, shares):
    area = metrics.area_map(
        department=territory.city, start=START, end=START + dt.timedelta(31), priority=3
    )
    for row in area["precincts"]:
        assert row["within_target_position"] == "" and row["within_target_low_95"] is None


def test_measures_page__says_above_or_below(client, personas, shares):
    client.force_login(personas.analyst)
    page = client.get("/dispatch/measures/?days=3660", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert 'data-position="below_95"' in text and 'data-position="above_998"' in text
    assert "lower than expected (95 %)" in text
