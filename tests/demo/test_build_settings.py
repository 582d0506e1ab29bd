"""The demo reads its staffing norm from settings."""

from django.db.models import Sum

from precinct.territory.models import Officer, Precinct


def test_staffing_norm_comes_from_settings(settings, db, tmp_path):
    from precinct.demo.builder import build_demo
    from tests.conftest import cut_inputs

    settings.PRECINCT_NETWORK_DIR = tmp_path
    settings.PRECINCT_RESIDENTS_PER_INSPECTOR_URBAN = 1500
    build_demo(seed=2, inputs=cut_inputs(), log=lambda line: None)
    residents = Precinct.objects.aggregate(n=Sum("residents"))["n"]
    inspectors = Officer.objects.filter(role=Officer.Role.INSPECTOR).count()
    assert 0.6 * residents / 1500 < inspectors < residents / 1500
