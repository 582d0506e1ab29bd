"""Public evaluation pages: the methodology, scorecards, the national roll-up."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from precinct.core.replica import reads_from_replica
from precinct.crime import metrics as crime
from precinct.evaluation import charts, display, exports, funnels, selectors
from precinct.evaluation.models import Period
from precinct.territory.models import Department, Region
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
