"""Error pages are the site's own, in the reader's language; the JSON API keeps JSON errors."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import path
from django.utils import translation

from precinct import urls as site_urls
from precinct.core import views

# --- a URLconf with the site's pages and handlers, plus views that fail on purpose -------


def _bad(request):
    raise SuspiciousOperation("broken")


def _forbidden(request):
    raise PermissionDenied


def _missing(request):
    raise Http404


def _crash(request):
    raise RuntimeError("boom")


urlpatterns = [
    *site_urls.urlpatterns,
    path("fail/400/", _bad),
    path("fail/403/", _forbidden),
    path("fail/404/", _missing),
    path("fail/500/", _crash),
]
handler400, handler403 = site_urls.handler400, site_urls.handler403
handler404, handler500 = site_urls.handler404, site_urls.handler500

# Each status's heading in Russian and Kazakh.
HEADINGS = {
    ("ru", 400): "Неверный запрос",
    ("ru", 403): "Доступ запрещён",
    ("ru", 404): "Страница не найдена",
    ("ru", 500): "На нашей стороне произошла ошибка",
    ("kk", 400): "Қате сұрау",
    ("kk", 403): "Кіруге рұқсат жоқ",
    ("kk", 404): "Бет табылмады",
    ("kk", 500): "Біз жақта қате орын алды",
}


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(("language", "status"), sorted(HEADINGS))
def test_error_page__site_template_in_the_language(db, settings, language, status):
    settings.DEBUG = False
    browser = Client(raise_request_exception=False)
    response = browser.get(f"/fail/{status}/", headers={"Accept-Language": language})
    assert response.status_code == status
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert 'class="site-header"' in html and 'class="site-footer"' in html
    assert f"<h1>{HEADINGS[language, status]}</h1>" in html
    assert "/territory/locate/" in html  # the resident's path is there to go on
    assert "Not Found" not in html and "Server Error" not in html


def test_not_found__a_real_unknown_address_in_kazakh(db):
    response = Client().get("/no-such-page/", headers={"Accept-Language": "kk"})
    assert response.status_code == 404
    assert "<h1>Бет табылмады</h1>" in response.content.decode()


def test_server_error__renders_without_database_or_request_context():
    # No db fixture: pytest-django refuses any query, so this proves none is made.
    request = RequestFactory().get("/anywhere/")
    with translation.override("kk"):
        response = views.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Біз жақта қате орын алды</h1>" in html and 'class="site-header"' in html
    assert "lang-switch" not in html  # no CSRF token without the request: no broken form


def test_csrf_failure__site_page_not_django_english(db):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/i18n/setlang/", {"language": "kk"})
    assert response.status_code == 403
    assert "<h1>Форма устарела</h1>" in response.content.decode()


@pytest.mark.parametrize("address", ["/api/v1/no-such-endpoint", "/api/v1/"])
def test_api__unknown_address_answers_the_api_error_body(db, address):
    response = Client().get(address)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "not_found" and body["errors"] == [] and body["detail"]


def test_api__its_own_errors_stay_json(db):
    # The API answers its own 404 inside /api/: the site's 404 page does not replace it.
    response = Client().get("/api/v1/appeals/track/NO-SUCH-CODE")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"
