"""Resident pages of surveys: answer through an invitation or the open link."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from precinct.core.http import client_address
from precinct.surveys import selectors, services
from precinct.surveys.forms import raw_answers
from precinct.surveys.models import Response, Survey
from precinct.territory.models import Department


def _context(survey: Survey, errors=None, values=None, error="") -> dict:
    return {
        "survey": survey,
        "questions": selectors.survey_questions(survey=survey),
        "departments": Department.objects.filter(region=survey.region, kind="district"),
        "age_groups": Response.AgeGroup.choices,
        "sexes": Response.Sex.choices,
        "errors": errors or {},
        "values": values or {},
        "error": error,
    }


@require_GET
def index(request):
    """The surveys open today: an open link to answer now, or how invitations come."""
    surveys = selectors.surveys_answerable_on(day=timezone.localdate())
    return render(request, "surveys/index.html", {"surveys": surveys})


@require_http_methods(["GET", "POST"])
def invitation_take(request, token: str):
    """The questionnaire behind a one-time invitation link."""
    invitation = services.invitation_find(token=token)
    if invitation is None:
        return render(request, "surveys/gone.html", status=410)
    survey = invitation.survey
    if request.method == "GET":
        return render(request, "surveys/take.html", _context(survey))
    return _submit(
        request,
        survey,
        lambda **kw: services.response_submit_invitation(token=token, **kw),
    )


@require_http_methods(["GET", "POST"])
def open_take(request, survey_id: int, key: str):
    """The questionnaire behind a survey's open link (answers limited per connection)."""
    survey = get_object_or_404(Survey, pk=survey_id, mode=Survey.Mode.OPEN)
    if not survey.open_key or survey.open_key != key:
        raise Http404
    if request.method == "GET":
        return render(request, "surveys/take.html", _context(survey))
    client = client_address(request)
    return _submit(
        request,
        survey,
        lambda **kw: services.response_submit_open(survey=survey, key=key, client=client, **kw),
    )


def _submit(request, survey, submit):
    questions = selectors.survey_questions(survey=survey)
    post = request.POST
    try:
        submit(
            department_id=_int(post.get("department")),
            age_group=post.get("age_group", ""),
            sex=post.get("sex", ""),
            answers=raw_answers(questions, post),
        )
    except services.AnswersRefused as exc:
        ctx = _context(survey, errors=dict(exc.errors), values=post)
        return render(request, "surveys/take.html", ctx, status=400)
    except services.SurveyError as exc:
        if exc.field:
            ctx = _context(survey, errors=dict(exc.errors), values=post, error=exc.message)
            return render(request, "surveys/take.html", ctx, status=400)
        return render(request, "surveys/gone.html", {"message": exc.message}, status=exc.status)
    # The answers are committed: only now thank the respondent.
    return redirect("surveys:thanks")


def thanks(request):
    """Shown after the answers were saved."""
    return render(request, "surveys/thanks.html")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
