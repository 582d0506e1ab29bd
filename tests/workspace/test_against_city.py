"""The inspector's workspace: the precinct's shares against the city's funnel limits."""

import pytest

from precinct.analytics import funnel
from precinct.workspace import selectors
from tests.workspace.builders import build_inspector_world
from tests.workspace.test_workspace import signed_in


def test_against_city__chance_or_a_real_difference():
    # 15 of 20 against the city's 80 %: chance. 30 of 100: far below any chance.
    small = selectors.against_city(0.75, 20, 0.8)
    assert small["verdict"] == "as_expected"
    limits = funnel.proportion_limits(20, 0.8, 0.998)
    assert small["low_998"] == pytest.approx(float(limits.low))
    assert selectors.against_city(0.3, 100, 0.8)["verdict"] == "worse_998"
    assert selectors.against_city(0.97, 400, 0.8)["verdict"] == "better_998"
    assert selectors.against_city(None, 0, 0.8) is None


@pytest.mark.django_db
def test_page_and_payload__say_it_beside_the_figures(settings, tmp_path):
    settings.PRECINCT_NETWORK_DIR = tmp_path / "network"
    w = build_inspector_world(settings.PRECINCT_NETWORK_DIR)
    precinct = selectors.precinct_for(user=w.inspector, precinct_id=None)
    figures = selectors.precinct_workspace(user=w.inspector, precinct=precinct)["figures"]
    # One answer, on time, as in the whole city; one call: too few for a share.
    assert figures["appeals_on_time_against"]["verdict"] == "as_expected"
    assert figures["arrival_within_against"] is None
    client = signed_in(w.inspector)
    client.cookies["django_language"] = "en"
    html = client.get("/workspace/").content.decode()
    assert 'data-verdict="as_expected"' in html and "Difference, for its size" in html
