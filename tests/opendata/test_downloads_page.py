"""The releases page a person opens: reached from /opendata/, departments named in the
reader's language (their codes stay in the download links)."""

import pytest

pytestmark = pytest.mark.django_db


def test_opendata_leads_to_the_releases(client):
    response = client.get("/opendata/")
    assert response.status_code == 302 and response["Location"] == "/opendata/downloads/"


@pytest.mark.parametrize(
    "language, name", [("ru", "УП Алмалинского района"), ("en", "Almaly District Police")]
)
def test_departments_are_named_in_the_readers_language(opendata_records, client, language, name):
    page = client.get("/opendata/downloads/", headers={"accept-language": language})
    assert page.status_code == 200
    html = page.content.decode()
    assert f"{name}:" in html
    assert "?department=up-almaly" in html
