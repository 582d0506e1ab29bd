"""Recording integrity through the Django side: a precinct whose recorded offences were
planted to fall while its 102 calls did not is flagged by the selector, the API and the
page; the others are not; who may read it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from shapely.geometry import box

from precinct.accounts.models import Role
from precinct.crime.models import OffenceRecord, RecordBatch
from precinct.dispatch import services as dispatch_services
from precinct.dispatch.models import Category, Incident
from precinct.integrity import selectors
from precinct.territory import services as territory_services
from precinct.territory.models import Provenance
from tests import factories

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")
MONTHS = 24
CALLS = 30  # a month, in every precinct
RECORDED = 18  # a month, where recording holds (0.6 a report)


def _month(first: dt.date, n: int) -> dt.date:
    k = first.year * 12 + first.month - 1 + n
    return dt.date(k // 12, k % 12 + 1, 1)


@pytest.fixture
def planted(territory):
    """Precinct A (district A) and four precincts of district B, 24 months of 30 violence
    calls each; precinct A's records fall from 18 to 6 a month over the last year while
    its calls hold, the others record 18 every month."""
    dispatch_services.category_defaults_create()
    others = [
        territory_services.precinct_create(
            department=territory.district_b,
            number=n + 1,
            geometry=box(76.92 + 0.01 * n, 43.22, 76.93 + 0.01 * n, 43.27),
            residents=4000,
            source=Provenance.DERIVED,
        )
        for n in range(4)
    ]
    precincts = [territory.precinct_a, *others]
    end = _month(timezone.localdate().replace(day=1), -1)
    start = _month(end, -(MONTHS - 1))
    violence = Category.objects.get(code="violence")
    batch = RecordBatch.objects.create(source="test", provenance=Provenance.DERIVED)
    calls, records = [], []
    for j in range(MONTHS):
        month = _month(start, j)
        for k, p in enumerate(precincts):
            lon = 76.90 if k == 0 else 76.925 + 0.01 * (k - 1)
            for c in range(CALLS):
                at = dt.datetime(month.year, month.month, 1 + c % 28, 12, tzinfo=ALMATY)
                calls.append(Incident(
                    department=p.department, category=violence, priority=1, area_type="urban",
                    state="closed", source="imported", lon=lon, lat=43.25, received_at=at,
                ))  # fmt: skip
            n = RECORDED
            if k == 0 and j >= MONTHS - 12:
                n = round(RECORDED * (1 - 2 / 3 * (j - (MONTHS - 12) + 1) / 12))
            records += [
                OffenceRecord(
                    source="test",
                    source_ref=f"{p.pk}-{j}-{r}",
                    persistent_id=f"{p.pk}-{j}-{r}",
                    month=month,
                    category="violent-crime",
                    department=p.department,
                    precinct=p,
                    provenance=Provenance.DERIVED,
                    batch=batch,
                )
                for r in range(n)
            ]
    Incident.objects.bulk_create(calls)
    OffenceRecord.objects.bulk_create(records)
    return precincts


def test_selector__the_planted_fall_is_flagged_and_only_it(territory, planted):
    found = selectors.recording_integrity(department=None)
    rows = {r["precinct_id"]: r for r in found["precincts"]}
    assert len(rows) == 5
    a = rows[territory.precinct_a.pk]
    assert a["flags"] == ["out_of_line", "falling_faster_than_calls"]
    assert found["precincts"][0] is a  # flagged first
    assert [r["flags"] for r in found["precincts"][1:]] == [[]] * 4
    # The evidence: months, reported, recorded, the ratio and its limits.
    last = a["months"][-1]
    assert (last["calls"], last["reported"], last["recorded"]) == (CALLS, CALLS, RECORDED // 3)
    assert last["ratio"] < 0.5 and last["low"] < 1 < last["high"]
    assert a["recent"]["ratio"] < a["recent"]["low"]
    assert a["trend"]["reported"] == pytest.approx(0, abs=1e-6)
    assert a["trend"]["recorded_per_report"] < 0


def test_selector__a_department_shows_its_precincts_against_the_whole_city(territory, planted):
    found = selectors.recording_integrity(department=territory.district_b)
    assert {r["precinct_id"] for r in found["precincts"]} == {p.pk for p in planted[1:]}
    assert all(r["flags"] == [] for r in found["precincts"])


def test_selector__nothing_to_compare_before_records_are_imported(territory):
    found = selectors.recording_integrity(department=None)
    assert found["end"] is None and found["precincts"] == []


def _api(user) -> Client:
    token = Client().post(
        "/api/v1/auth/token", {"username": user.username, "password": factories.PASSWORD},
        content_type="application/json",
    ).json()["token"]  # fmt: skip
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_api__internal_security_sees_the_flag(territory, planted):
    security = factories.staff("security", Role.INTERNAL_SECURITY, territory.city)
    response = _api(security).get("/api/v1/integrity/recording")
    assert response.status_code == 200
    body = response.json()
    flagged = [r for r in body["precincts"] if r["flags"]]
    assert [r["precinct_id"] for r in flagged] == [territory.precinct_a.pk]
    assert flagged[0]["months"][-1]["recorded"] == 6
    assert len(flagged[0]["months"]) == MONTHS


def test_api__refused_to_inspectors_heads_and_residents(territory, personas, planted):
    a = territory.district_a.pk
    for user in (personas.inspector, personas.head):
        response = _api(user).get(f"/api/v1/integrity/recording?department_id={a}")
        assert response.status_code == 403
        assert "flags" not in response.content.decode()
    assert Client().get("/api/v1/integrity/recording").status_code == 401
    analyst = _api(personas.analyst)
    assert analyst.get("/api/v1/integrity/recording?department_id=999999").status_code == 404
    assert analyst.get("/api/v1/integrity/recording?department_id=x").status_code == 400


def test_page__flagged_precinct_with_its_evidence_and_chart(territory, personas, planted):
    security = factories.staff("security", Role.INTERNAL_SECURITY, territory.city)
    client = Client()
    client.force_login(security)
    response = client.get("/integrity/recording/")
    assert response.status_code == 200
    page = response.content.decode()
    assert str(territory.precinct_a) in page
    assert 'class="plot" data-figure=' in page
    assert response.context["flagged"][0]["precinct_id"] == territory.precinct_a.pk
    assert len(response.context["others"]) == 4
    # Any precinct can be charted.
    other = planted[1]
    chart = client.get(f"/integrity/recording/?precinct={other.pk}")
    assert chart.context["chosen"]["precinct_id"] == other.pk
    assert f'<option value="{other.pk}" selected>' in chart.content.decode()
    # The internal security's start page links to it.
    start = client.get(f"/integrity/departments/{territory.city.pk}/")
    assert "/integrity/recording/" in start.content.decode()


def test_page__refused_and_bad_input(territory, personas, planted):
    for user in (personas.inspector, personas.head):
        client = Client()
        client.force_login(user)
        assert client.get("/integrity/recording/").status_code == 403
    assert Client().get("/integrity/recording/").status_code == 302
    client = Client()
    client.force_login(personas.analyst)
    response = client.get("/integrity/recording/?department=abc")
    assert response.status_code == 400
    assert "department" in response.content.decode()


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_page__one_language(territory, planted, language):
    from tests.core.test_one_language import english_words

    security = factories.staff("security", Role.INTERNAL_SECURITY, territory.city)
    client = Client(headers={"Accept-Language": language})
    client.force_login(security)
    response = client.get("/integrity/recording/")
    assert response.status_code == 200
    assert english_words(response.content.decode()) == set()
    bad = client.get("/integrity/recording/?department=abc")
    assert english_words(bad.content.decode()) == set()


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("ru", "Регистрация правонарушений, о которых сообщили жители"),
        ("kk", "Тұрғындар хабарлаған құқық бұзушылықтарды тіркеу"),
        ("en", "Recording of the offences residents report"),
    ],
)
def test_methodology__defines_the_indicator_unscored(db, language, name):
    from tests.core.test_one_language import english_words

    page = Client(headers={"Accept-Language": language}).get("/evaluation/methodology/")
    html = page.content.decode()
    assert 'id="recording_integrity"' in html and name in html
    if language != "en":
        assert english_words(html) == set()
    else:
        assert "never a statement about a person" in html
    api = Client(headers={"Accept-Language": language}).get("/api/v1/evaluation/methodology")
    [monitored] = api.json()["monitoring"]
    assert (monitored["code"], monitored["name"], monitored["weight"]) == (
        "recording_integrity",
        name,
        0,
    )


def test_selector__months_before_a_source_s_history_are_unknown_not_zero(territory, planted):
    first = planted[0]
    Incident.objects.filter(received_at__lt=timezone.now() - dt.timedelta(days=200)).delete()
    found = selectors.recording_integrity(department=None)
    a = next(r for r in found["precincts"] if r["precinct_id"] == first.pk)
    early, late = a["months"][0], a["months"][-1]
    assert early["calls"] is None and early["reported"] is None and early["ratio"] is None
    assert early["recorded"] == RECORDED  # the records' history goes back further
    assert early["appeals"] == 0  # no appeal at all in the window: zeros, not unknown
    assert late["calls"] == CALLS
