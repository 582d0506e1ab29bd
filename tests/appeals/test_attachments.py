"""Residents' files: listed on the staff appeal page, downloaded through an audited view
and the staff API, never to anyone who may not read the appeal."""

import pytest
from django.test import Client
from django.urls import reverse

from precinct.appeals.models import Attachment
from precinct.audit.models import AuditEntry
from tests.appeals.builders import appeal_in_district_a
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
PDF = b"%PDF-1.7\n" + b"scan of a resident's letter\n" * 40


@pytest.fixture
def appeal(world):
    return appeal_in_district_a(attachments=[("Айгуль паспорт.png", PNG), ("letter.pdf", PDF)])


def _files(appeal) -> list[Attachment]:
    return list(appeal.attachments.order_by("id"))


def _page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api_client(user) -> Client:
    response = Client().post(
        "/api/v1/auth/token",
        {"username": user.username, "password": PASSWORD},
        content_type="application/json",
    )
    return Client(headers={"Authorization": f"Bearer {response.json()['token']}"})


def _download_url(appeal, attachment) -> str:
    return reverse("appeals:staff-attachment", args=[appeal.pk, attachment.pk])


def _reads(attachment) -> int:
    return AuditEntry.objects.filter(
        action="read", subject_type="appeals.attachment", subject_id=str(attachment.pk)
    ).count()


def test_staff_page__lists_each_file_with_name_type_size_and_link(world, appeal):
    html = _page_client(world.p.head).get(f"/appeals/staff/{appeal.pk}/").content.decode()
    png, _pdf = _files(appeal)
    assert f'href="{_download_url(appeal, png)}"' in html
    assert f"{appeal.registration_number}-1.png" in html
    assert f"{appeal.registration_number}-2.pdf" in html
    assert "application/pdf" in html and "image/png" in html
    assert "паспорт" not in html  # the name the resident's device gave is not kept
    assert _reads(png) == 0  # listing is not reading


def test_download__the_same_bytes_as_an_attachment_with_nosniff(world, appeal):
    _png, pdf = _files(appeal)
    response = _page_client(world.p.head).get(_download_url(appeal, pdf))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{appeal.registration_number}-2.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_download__each_read_is_audited_with_the_reader(world, appeal):
    png, _pdf = _files(appeal)
    client = _page_client(world.p.head)
    for _ in range(2):
        b"".join(client.get(_download_url(appeal, png)).streaming_content)
    entries = AuditEntry.objects.filter(subject_type="appeals.attachment", subject_id=str(png.pk))
    assert entries.count() == 2
    assert {(e.actor_id, e.action, tuple(e.fields)) for e in entries} == {
        (world.p.head.pk, "read", ("file",))
    }
    assert appeal.registration_number in entries.first().context


def test_download__refused_to_those_who_may_not_read_the_appeal(world, appeal):
    png, _pdf = _files(appeal)
    url = _download_url(appeal, png)
    assert _page_client(world.p.inspector).get(url).status_code == 404  # not assigned to him
    assert _page_client(world.p.outsider).get(url).status_code == 404  # another district
    assert _page_client(world.p.analyst).get(url).status_code == 403  # no appeals at all
    assert Client().get(url).status_code == 302  # residents are sent to sign in
    assert _reads(png) == 0


def test_download__a_file_of_another_appeal_or_gone_from_disk_is_404(world, appeal):
    other = appeal_in_district_a("Другое обращение", attachments=[("x.png", PNG)])
    foreign = _files(other)[0]
    client = _page_client(world.p.head)
    assert client.get(_download_url(appeal, foreign)).status_code == 404
    gone = _files(appeal)[0]
    gone.file.storage.delete(gone.file.name)
    assert client.get(_download_url(appeal, gone)).status_code == 404


def _api_url(appeal, attachment) -> str:
    return f"/api/v1/appeals/{appeal.pk}/attachments/{attachment.pk}"


def test_api__the_file_for_staff_who_read_the_appeal_audited(world, appeal):
    png, _pdf = _files(appeal)
    response = _api_client(world.p.head).get(_api_url(appeal, png))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert _reads(png) == 1


def test_api__refusals_in_the_error_body(world, appeal):
    png, _pdf = _files(appeal)
    url = _api_url(appeal, png)
    anonymous = Client().get(url)
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "unauthorized"
    analyst = _api_client(world.p.analyst).get(url)
    assert analyst.status_code == 403 and analyst.json()["code"] == "forbidden"
    outsider = _api_client(world.p.outsider).get(url)
    assert outsider.status_code == 404 and outsider.json()["code"] == "not_found"
    missing = _api_client(world.p.head).get(f"/api/v1/appeals/{appeal.pk}/attachments/999999")
    assert missing.status_code == 404 and set(missing.json()) == {"code", "detail", "errors"}
    assert _reads(png) == 0


@pytest.mark.parametrize(
    ("language", "heading"), [("ru", "Вложения"), ("kk", "Тіркемелер"), ("en", "Attachments")]
)
def test_staff_page__the_list_in_the_reader_language(world, appeal, language, heading):
    client = _page_client(world.p.head)
    client.cookies["django_language"] = language
    html = client.get(f"/appeals/staff/{appeal.pk}/").content.decode()
    assert f"<h2>{heading}</h2>" in html


def test_api__the_appeal_lists_its_files_with_their_download_address(world, appeal):
    body = _api_client(world.p.head).get(f"/api/v1/appeals/{appeal.pk}").json()
    png, pdf = _files(appeal)
    assert [(f["id"], f["content_type"], f["size"]) for f in body["attachments"]] == [
        (png.pk, "image/png", len(PNG)),
        (pdf.pk, "application/pdf", len(PDF)),
    ]
    assert body["attachments"][0]["url"] == _api_url(appeal, png)
    assert body["attachments"][1]["name"] == f"{appeal.registration_number}-2.pdf"
    assert _reads(png) == 0  # listing is not reading
