"""Writers of evaluation: periods, and the computation of every indicator and index."""

import datetime as dt

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from precinct.core.errors import DomainError
from precinct.evaluation import sources
from precinct.evaluation.models import Indicator, IndicatorValue, Methodology, Period, Score


class EvaluationError(DomainError):
    """An evaluation request that breaks a rule; ``field`` names what is wrong."""


def period_create(*, label: str, starts_on: dt.date, ends_on: dt.date) -> Period:
    """An evaluation period; its label is what surveys and counts name it by."""
    if ends_on < starts_on:
        raise EvaluationError(_("The period ends before it starts."), field="ends_on")
    if Period.objects.filter(label=label).exists():
        raise EvaluationError(
            _("The period “%(label)s” exists already.") % {"label": label}, field="label"
        )
    return Period.objects.create(label=label, starts_on=starts_on, ends_on=ends_on)


def current_methodology() -> Methodology:
    """The latest methodology version; the newest shipped catalog is loaded if the database
    lacks every version (a database flushed after its migrations ran)."""
    latest = Methodology.objects.order_by("-version").first()
    if latest is None:
        from precinct.evaluation.catalog import latest_file, load_catalog, read_catalog

        data = read_catalog(latest_file())
        with transaction.atomic():
            latest = load_catalog(data, Methodology, Indicator)
    return latest


def _raw_values(t, period, indicators: list[Indicator]) -> dict[str, dict]:
    """Raw values of every indicator of the catalog, by code and department."""
    min_n = {i.code: i.min_n for i in indicators}
    previous = Period.objects.filter(ends_on__lt=period.starts_on).order_by("-ends_on").first()
    people = sources.residents(t)
    raw: dict[str, dict] = {}
    raw.update(sources.crime(t, period, previous, people, min_n))
    raw.update(sources.response(t, period, min_n))
    raw.update(sources.appeals(t, period, min_n))
    raw.update(
        sources.surveys(t, period, {i.code: i.survey_key for i in indicators if i.survey_key})
    )
    raw["integrity"] = sources.integrity(t, period, min_n.get("integrity", 10))
    raw["staffing"] = sources.staffing(t, people)
    raw["coverage"] = sources.coverage(t)
    raw["priorities_reviewed"] = sources.priorities_reviewed(
        t, period, min_n.get("priorities_reviewed", 1)
    )
    return raw, people


@transaction.atomic
def evaluation_compute(*, period: Period, methodology: Methodology | None = None) -> int:
    """Compute and store every indicator, the composite index and the peer ranks.

    Returns the number of departments evaluated. Re-running replaces the period's figures.
    """
    # The numeric core is imported on use: pages that only read scores never load it.
    from precinct.evaluation import scoring

    methodology = methodology or current_methodology()
    indicators = list(methodology.indicators.order_by("position"))
    t = sources.tree()
    raw, people = _raw_values(t, period, indicators)
    deps = t.departments
    n, k = len(deps), len(indicators)
    values = np.full((n, k), np.nan)
    lowers, uppers = np.full((n, k), np.nan), np.full((n, k), np.nan)
    for j, ind in enumerate(indicators):
        for i, d in enumerate(deps):
            r = raw.get(ind.code, {}).get(d.pk, sources.NO_DATA)
            if r.value is not None:
                values[i, j] = r.value
                lowers[i, j] = r.lower if r.lower is not None else r.value
                uppers[i, j] = r.upper if r.upper is not None else r.value
    kinds = np.array([d.kind for d in deps])
    bands = settings.PRECINCT_EVAL_POPULATION_BANDS
    peers = np.array([f"{d.kind}:{scoring.population_band(people.get(d.pk), bands)}" for d in deps])
    scored = scoring.score(
        values,
        lowers,
        uppers,
        [i.direction for i in indicators],
        np.array([i.weight for i in indicators]),
        kinds,
        peers,
        min_coverage=methodology.min_coverage,
    )
    IndicatorValue.objects.filter(methodology=methodology, period=period).delete()
    Score.objects.filter(methodology=methodology, period=period).delete()
    rows = []
    for j, ind in enumerate(indicators):
        for i, d in enumerate(deps):
            r = raw.get(ind.code, {}).get(d.pk, sources.NO_DATA)
            s = scored.scores[i, j]
            rows.append(
                IndicatorValue(
                    methodology=methodology,
                    indicator=ind,
                    department=d,
                    period=period,
                    value=r.value,
                    lower=r.lower,
                    upper=r.upper,
                    n=r.n,
                    status=r.status,
                    score=None if np.isnan(s) else float(s),
                )
            )
    IndicatorValue.objects.bulk_create(rows, batch_size=2000)
    Score.objects.bulk_create(
        Score(
            methodology=methodology,
            department=d,
            period=period,
            index=_num(scored.index[i]),
            lower=_num(scored.lower[i]),
            upper=_num(scored.upper[i]),
            coverage=float(scored.coverage[i]),
            peer_group=str(peers[i]),
            peer_rank=int(scored.rank[i]) or None,
            peer_size=int(scored.peer_size[i]) or None,
        )
        for i, d in enumerate(deps)
    )
    return n


def _num(x) -> float | None:
    x = float(x)
    return None if np.isnan(x) else x
