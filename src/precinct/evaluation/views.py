"""Evaluation pages: the methodology, scorecards, the national roll-up (public); the
recorded interventions and their effects (heads and analysts)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from precinct.accounts import access
from precinct.accounts.guards import staff_page
from precinct.core import listing
from precinct.core.replica import reads_from_replica
from precinct.crime import metrics as crime
from precinct.evaluation import charts, display, exports, funnels, selectors, tasks
from precinct.evaluation.forms import InterventionForm
from precinct.evaluation.models import Period
from precinct.evaluation.services import EvaluationError, InterventionForbidden
from precinct.territory.models import Department, Post, Precinct, Region
from precinct.territory.network import network_imported


@require_GET
@reads_from_replica
def methodology(request):
    """The methodology page, generated from the catalog itself."""
    catalog = selectors.methodology_catalog()
    for indicator in catalog["indicators"]:
        indicator["source_label"] = display.source_label(indicator["group"])
    settings_used = [
        {"name": name, "value": catalog["settings"][key]}
        for key, name in selectors.CATALOG_SETTINGS.items()
    ]
    return render(
        request,
        "evaluation/methodology.html",
        {
            "catalog": catalog,
            "road_network": network_imported("walk"),
            "settings_used": settings_used,
            "population_bands": display.population_bands(),
        },
    )


@require_GET
@reads_from_replica
def national(request):
    """Every department's composite index, and the official crime rates of all regions."""
    period = _period(request)
    crime_period = crime.latest_period()
    rows = selectors.national_rollup(period=period)
    for row in rows:
        row["peer_group_label"] = display.peer_group(row["peer_group"])
        row["interval"] = display.interval(row["lower"], row["upper"])
    return render(
        request,
        "evaluation/national.html",
        {
            "period": period or selectors.latest_period(),
            "periods": selectors.periods(),
            "rows": rows,
            "crime_period": crime.period_display(crime_period) if crime_period else None,
            "crime": crime.regional_rates(period=crime_period) if crime_period else [],
        },
    )


def _period(request) -> Period | None:
    label = request.GET.get("period")
    if not label:
        return None
    period = Period.objects.filter(label=label).first()
    if period is None:
        raise Http404("Unknown period")
    return period


def _card(request, department_id: int) -> dict:
    department = get_object_or_404(Department.objects.select_related("region"), pk=department_id)
    card = selectors.scorecard(department=department, period=_period(request))
    if card is None:
        raise Http404("No period has been evaluated yet.")
    return card


@require_GET
@reads_from_replica
def scorecard(request, department_id: int):
    """A department's scorecard with trend plots."""
    card = _card(request, department_id)
    # Every indicator with a value in some period: a chart, or "too few points" in words.
    figures = [
        {
            "id": f"plot-{r['code']}", "title": r["name"], "points": charts.points(r["series"]),
            "json": charts.trend_figure(r["series"], title=r["name"], unit=r["unit"]),
        }
        for r in card["indicators"]
        if charts.points(r["series"]) >= 1
    ]  # fmt: skip
    index_figure = charts.trend_figure(
        card["index_series"], title=_("Composite index"), key="index", unit="index"
    )
    card["index_interval"] = display.interval(card["index_lower"], card["index_upper"])
    card["peer_group_label"] = display.peer_group(card["peer_group"])
    for row in card["indicators"]:
        row["display"] = display.indicator(row)
        row["funnel_display"] = display.funnel(row)
    funnel_figures = _funnel_figures(card)
    return render(
        request,
        "evaluation/scorecard.html",
        {
            "card": card,
            "figures": figures,
            "index_figure": index_figure,
            "funnel_figures": funnel_figures,
            "periods": selectors.periods(),
            "children": card["department"].children.all(),
        },
    )


def _funnel_figures(card: dict) -> list[dict]:
    """A funnel plot per indicator compared through funnel limits with at least one other
    department of its kind."""
    labels = display.funnel_labels()
    out = []
    for r in card["indicators"]:
        curve = funnels.curve(r["funnel_peers"])
        if curve is None:
            continue
        size = display.funnel_size_label(r["funnel"]["kind"], r["unit"])
        out.append({
            "id": f"funnel-{r['code']}", "title": r["name"],
            "json": charts.funnel_figure(
                r["funnel_peers"], curve, title=r["name"], unit=r["unit"],
                labels={**labels, "size": size},
            ),
        })  # fmt: skip
    return out


@require_GET
@reads_from_replica
def region_scorecard(request, region_id: int):
    """A region's scorecard: that of its top department (the subtree's sums)."""
    region = get_object_or_404(Region, pk=region_id)
    top = region.departments.filter(parent=None).order_by("path").first()
    if top is None:
        raise Http404("The region has no department.")
    return scorecard(request, top.pk)


@require_GET
@reads_from_replica
def scorecard_csv(request, department_id: int):
    card = _card(request, department_id)
    response = HttpResponse(exports.scorecard_csv(card), content_type="text/csv; charset=utf-8")
    name = f"scorecard-{department_id}-{card['period'].label}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@reads_from_replica
def scorecard_pdf(request, department_id: int):
    card = _card(request, department_id)
    response = HttpResponse(exports.scorecard_pdf(card), content_type="application/pdf")
    name = f"scorecard-{department_id}-{card['period'].label}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- interventions (heads and analysts) ---------------------------------------------------


def _intervention_form(request, data=None) -> InterventionForm | None:
    """The form to record a change, for those who may record one somewhere."""
    if not access.can_use_planning_tools(request.user):
        return None
    scope = access.departments_in_scope(request.user).select_related("region")
    return InterventionForm(
        data,
        departments=scope.order_by("path"),
        precincts=Precinct.objects.filter(department__in=scope, residents__gt=0)
        .select_related("department").order_by("department__path", "number"),
        posts=Post.objects.filter(department__in=scope).order_by("name"),
    )  # fmt: skip


@staff_page(access.can_view_interventions)
def interventions(request):
    """Recorded changes of the reader's scope, and the form to record one."""
    form = _intervention_form(request, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                change = tasks.intervention_record_submit(actor=request.user, **form.request())
            except InterventionForbidden as exc:
                raise PermissionDenied(str(exc)) from None
            except EvaluationError as exc:
                for field, message in exc.errors:
                    field = {"department_id": "department", "precinct_ids": "precincts",
                             "post_id": "post"}.get(field, field)  # fmt: skip
                    form.add_error(field if field in form.fields else None, message)
            else:
                return redirect("evaluation:intervention", change.pk)
        status = 400
    page = listing.page_of(request, selectors.interventions_for(request.user))
    rows = [selectors.intervention_summary(c) for c in page]  # this page's only
    return render(
        request, "evaluation/interventions.html",
        {"page": page, "rows": rows, "form": form}, status=status,
    )  # fmt: skip


@staff_page(access.can_view_interventions)
@require_GET
def intervention(request, pk: int):
    """A change: where it applies, compared with what, and per outcome its effect, a plain
    verdict and the trends before and after it."""
    change = selectors.intervention_of(request.user, pk)
    data = selectors.intervention_payload(change)
    for o in data["outcomes"]:
        o["effect_text"] = display.effect_value(o["effect"], o["unit"])
        o["low_text"] = display.effect_value(o["ci_low"], o["unit"], with_unit=False)
        o["high_text"] = display.effect_value(o["ci_high"], o["unit"], with_unit=False)
        o["pre_trend_text"] = display.effect_value(o["pre_trend"], o["unit"])
        o["figure"] = charts.did_figure(
            o["series"], title=o["label"], unit="share" if o["unit"] == "share" else "",
            treated=_("Treated precincts"), comparison=_("Comparison precincts"),
            change=_("change"),
        )  # fmt: skip
    return render(request, "evaluation/intervention.html", {"change": data})
