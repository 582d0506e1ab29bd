"""The resident's path after sending: receipt, tracking by code or by number and contact,
the history in the page's language, and rating (with a review) confirmed."""

import pytest
from django.urls import reverse

from precinct.appeals import services
from precinct.appeals.models import Appeal, Notification, Status, TrackingMiss
from tests.appeals.builders import appeal_in_district_a

pytestmark = pytest.mark.django_db


def _answered(world, **extra) -> Appeal:
    appeal = appeal_in_district_a(**extra)
    services.appeal_answer(actor=world.p.head, appeal=appeal, answer="Проверили, меры приняты")
    return appeal


# --- the receipt ---------------------------------------------------------------------------


def test_receipt_states_number_code_due_date_department_and_text(client, world):
    appeal = appeal_in_district_a("Во дворе ночью громкая музыка")
    page = client.get(reverse("appeals:receipt", args=[appeal.tracking_code])).content.decode()
    assert appeal.registration_number in page
    assert f'<span class="tracking-code">{appeal.tracking_code}</span>' in page
    assert appeal.due_date.strftime("%d.%m.%Y") in page
    assert world.t.district_a.display_name in page and "Во дворе ночью громкая музыка" in page
    assert "data-print" in page and "appeals/appeals.css" in page


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_receipt_writes_dates_as_the_language_does(client, world, language):
    appeal = appeal_in_district_a("Во дворе ночью громкая музыка")
    client.cookies["django_language"] = language
    page = client.get(reverse("appeals:receipt", args=[appeal.tracking_code])).content.decode()
    due = appeal.due_date
    english = f"{due.day} {due.strftime('%b')} {due.year}"  # "2 Dec 2026", never 12/02/2026
    assert (english if language == "en" else due.strftime("%d.%m.%Y")) in page
    assert (due.strftime("%d.%m.%Y") in page) is (language != "en")


def test_receipt_says_a_copy_was_sent_only_when_it_was(client, world):
    appeal = appeal_in_district_a()
    url = reverse("appeals:receipt", args=[appeal.tracking_code])
    page = client.get(url).content.decode()
    assert "Копия отправляется по SMS на номер +7 ••• •• 78." in page
    assert "Копия отправлена" not in page
    appeal.notifications.filter(medium="email").update(state=Notification.State.SENT)
    appeal.notifications.filter(medium="sms").update(state=Notification.State.FAILED)
    page = client.get(url).content.decode()
    assert "Копия отправлена по электронной почте на a•••@example.kz." in page
    assert "по SMS" not in page


def test_receipt_of_an_anonymous_report_mentions_no_copy(client, world):
    appeal = appeal_in_district_a(
        type="offence", contact_name="", contact_phone="", contact_email=""
    )
    page = client.get(reverse("appeals:receipt", args=[appeal.tracking_code])).content.decode()
    assert "Копия" not in page


# --- tracking by number and contact --------------------------------------------------------


@pytest.mark.parametrize("contact", ["+7 701 234 56 78", "87012345678", "A@Example.kz"])
def test_track_by_registration_number_and_phone_or_email(client, world, contact):
    appeal = appeal_in_district_a()
    response = client.post(
        reverse("appeals:track-lookup"),
        {"number": appeal.registration_number, "contact": contact},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("appeals:track", args=[appeal.tracking_code])


def test_a_wrong_contact_and_an_unknown_number_read_the_same(client, world):
    appeal = appeal_in_district_a()
    url = reverse("appeals:track-lookup")
    wrong = client.post(url, {"number": appeal.registration_number, "contact": "+7 700 000 0000"})
    unknown = client.post(url, {"number": "2026-9999999", "contact": "+7 701 234 56 78"})
    assert wrong.status_code == unknown.status_code == 404

    def message(response):
        page = response.content.decode()
        return page[page.index('role="alert"') :].split("</p>")[0]

    assert message(wrong) == message(unknown)
    assert appeal.tracking_code not in wrong.content.decode()
    assert TrackingMiss.objects.count() == 2


def test_an_anonymous_appeal_cannot_be_found_with_an_empty_contact(world):
    appeal = appeal_in_district_a(
        type="offence", contact_name="", contact_phone="", contact_email=""
    )
    found = services.appeal_find_for_resident(
        client="10.0.0.1", number=appeal.registration_number, contact="-"
    )
    assert found is None


def test_lookups_are_refused_after_too_many_misses(client, world, settings):
    settings.PRECINCT_APPEALS = {**settings.PRECINCT_APPEALS, "TRACK_MISSES_PER_HOUR": 3}
    appeal = appeal_in_district_a()
    url = reverse("appeals:track-lookup")
    for n in range(3):
        miss = client.post(url, {"number": f"2026-000000{n}", "contact": "+7 700 111 2233"})
        assert miss.status_code == 404
    # Even the right pair, and a right tracking code, wait for the hour to pass.
    right = {"number": appeal.registration_number, "contact": "+7 701 234 56 78"}
    assert client.post(url, right).status_code == 429
    assert client.get(reverse("appeals:track", args=[appeal.tracking_code])).status_code == 429
    # Another client is not held back.
    other = client.post(url, right, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 302


def test_unknown_tracking_codes_count_as_misses(client, world):
    assert client.get(reverse("appeals:track", args=["nope"])).status_code == 404
    assert TrackingMiss.objects.count() == 1


def test_lookup_form_names_missing_fields(client, world):
    response = client.post(reverse("appeals:track-lookup"), {"number": "", "contact": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="number-error"' in page and 'id="contact-error"' in page


# --- history in the page's language --------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "words"),
    [("ru", ["Зарегистрировано", "Дан ответ", "Вы оценили ответ на 2 из 5"]),
     ("kk", ["Жауап берілді", "Сіз жауапты 5-тен 2 деп бағаладыңыз"])],
)  # fmt: skip
def test_history_is_in_the_page_language_without_raw_codes(client, world, language, words):
    appeal = _answered(world)
    services.appeal_rate(appeal=appeal, rating=2)
    url = reverse("appeals:track", args=[appeal.tracking_code])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    history = page[page.index('class="history"') : page.index("</ol>")]
    for word in words:
        assert word in history
    for code in ("registered", "answered", "rated", "2/5"):
        assert code not in history


# --- rating -------------------------------------------------------------------------------


def test_rating_2_with_a_review_is_confirmed_stored_and_says_where_it_went(client, world):
    appeal = _answered(world)
    url = reverse("appeals:track", args=[appeal.tracking_code])
    response = client.post(
        url, {"rating": "2", "comment": "Ничего не сделано", "request_review": "on"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    appeal.refresh_from_db()
    # Stored: the rating is kept (it was wiped by the reopening, so the form came back).
    assert (appeal.rating, appeal.rating_comment) == (2, "Ничего не сделано")
    # Handled as the docs say: reopened one level up with a fresh deadline...
    assert appeal.department == world.t.city and appeal.status == Status.REGISTERED
    assert appeal.reopened_count == 1
    # ...and said so: a confirmation naming the department and the new due date.
    assert 'id="rating-confirmation"' in page
    assert "ваша оценка 2 из 5 сохранена" in page
    assert world.t.city.display_name in page and appeal.due_date.strftime("%d.%m.%Y") in page
    assert ">На пересмотре</dd>" in page
    assert 'name="rating"' not in page  # the same form does not come back


def test_rating_without_review_is_confirmed_and_the_form_goes(client, world):
    appeal = _answered(world)
    url = reverse("appeals:track", args=[appeal.tracking_code])
    page = client.get(client.post(url, {"rating": "5"})["Location"]).content.decode()
    assert "ваша оценка 5 из 5 сохранена" in page and 'name="rating"' not in page
    assert "пересмотр" not in page


def test_the_new_answer_after_a_review_is_rated_afresh(world):
    appeal = _answered(world)
    services.appeal_rate(appeal=appeal, rating=1, request_review=True)
    services.appeal_answer(actor=world.p.admin, appeal=appeal, answer="Пересмотрено")
    appeal.refresh_from_db()
    assert appeal.awaits_rating and appeal.rating == 1
    services.appeal_rate(appeal=appeal, rating=4)
    appeal.refresh_from_db()
    assert appeal.rating == 4 and not appeal.awaits_rating
    assert list(appeal.events.filter(kind="rated").values_list("note", flat=True)) == [
        "1/5",
        "4/5",
    ]


def test_misses_older_than_a_day_are_purged(world):
    import datetime as dt

    from django.utils import timezone

    now = timezone.now()
    services.appeal_find_for_resident(client="10.0.0.1", code="x", now=now - dt.timedelta(days=2))
    services.appeal_find_for_resident(client="10.0.0.2", code="y", now=now)
    assert list(TrackingMiss.objects.values_list("at", flat=True)) == [now]
