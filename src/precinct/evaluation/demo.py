"""Demo step of evaluation, last of DEMO_STEPS: one period per demo year, then the scores
of every department from what the other apps' steps built (crime counts, survey waves,
the integrity registry, appeals, 102 calls, coverage and staffing)."""

import datetime as dt

from precinct.evaluation import services
from precinct.evaluation.models import Period


def build(ctx) -> list[str]:
    for year in ctx.years:
        services.period_create(
            label=str(year), starts_on=dt.date(year, 1, 1), ends_on=dt.date(year, 12, 31)
        )
    done = []
    for period in Period.objects.order_by("starts_on"):
        services.evaluation_compute(period=period)
        done.append(period.label)
    return ["Evaluation computed for " + ", ".join(done)]
