"""Bad inputs stop the build with a message naming the problem, and nothing half-built."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from precinct.analytics.network import regions
from precinct.territory.models import Region
from tests.conftest import CUT_OSM


@pytest.fixture
def network_dir(settings, tmp_path):
    settings.PRECINCT_NETWORK_DIR = tmp_path / "network"
    return settings.PRECINCT_NETWORK_DIR


def _build(*args):
    call_command("demo", "build", "--seed", "1", *args)


def test_missing_osm_file_is_named(db, network_dir, tmp_path):
    with pytest.raises(CommandError, match=r"nowhere\.osm\.pbf does not exist"):
        _build("--osm", str(tmp_path / "nowhere.osm.pbf"))
    assert not Region.objects.exists()


def test_empty_osm_file_is_refused_and_nothing_is_written(db, network_dir, tmp_path):
    empty = tmp_path / "empty.osm.pbf"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="empty"):
        _build("--osm", str(empty))
    assert not Region.objects.exists()
    assert not (network_dir / "walk.npz").exists()
    assert not regions.imported_regions(network_dir)


def test_damaged_osm_file_is_refused(db, network_dir, tmp_path):
    damaged = tmp_path / "damaged.osm.pbf"
    damaged.write_bytes(CUT_OSM.read_bytes()[:5000])
    with pytest.raises(CommandError):
        _build("--osm", str(damaged))
    assert not Region.objects.exists()


def test_missing_population_file_is_named(db, network_dir, tmp_path):
    with pytest.raises(CommandError, match=r"population file .*missing\.csv does not exist"):
        _build("--osm", str(CUT_OSM), "--population", str(tmp_path / "missing.csv"))


def test_population_file_without_the_city_is_named(db, network_dir, tmp_path):
    other = tmp_path / "pop.csv"
    other.write_text("Region,Total,Males,Females\nAstana city,1350228,1,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no row for region 'Almaty city'"):
        _build("--osm", str(CUT_OSM), "--population", str(other))


def test_population_total_that_is_not_a_number_names_the_line(db, network_dir, tmp_path):
    bad = tmp_path / "pop.csv"
    bad.write_text("Region,Total,Males,Females\nAlmaty city,lots,1,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2: Total is not a whole number"):
        _build("--osm", str(CUT_OSM), "--population", str(bad))


def test_second_build_is_refused_unless_if_absent(demo_city, db, capsys):
    with pytest.raises(CommandError, match="already holds a territory"):
        _build()
    _build("--if-absent")
    assert "already built" in capsys.readouterr().out


def test_network_import_of_a_damaged_file_is_a_clear_error(db, network_dir, tmp_path):
    damaged = tmp_path / "x.osm.pbf"
    damaged.write_bytes(b"this is not a pbf file at all")
    with pytest.raises(CommandError, match=r"x\.osm\.pbf"):
        call_command("network", "import", str(damaged))
    assert not (network_dir / "walk.npz").exists()
    assert not regions.imported_regions(network_dir)
