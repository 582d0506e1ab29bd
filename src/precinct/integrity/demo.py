"""Demo step of the integrity registry: head terms since 2024 and generated offences of
officers (labelled as generated), each linked to the heads who answer for it."""

import datetime as dt

from precinct.integrity import services
from precinct.territory.models import Officer

STEP = "precinct.integrity.demo"
ARTICLES = {
    "corruption": ["УК РК ст. 366 (получение взятки)", "УК РК ст. 361 (злоупотребление)"],
    "disciplinary": ["нарушение служебной дисциплины", "грубое обращение с гражданином"],
}
OUTCOMES = {
    "corruption": ["dismissal", "prosecuted"],
    "disciplinary": ["reprimand", "severe_reprimand", "cleared"],
}


def build(ctx) -> list[str]:
    rng = ctx.rng(STEP)
    since = dt.date(2024, 1, 1)
    for d in [ctx.city, *ctx.departments]:
        for head in Officer.objects.filter(department=d, role=Officer.Role.HEAD):
            services.head_term_start(officer=head, department=d, starts_on=since)
    offenders = list(
        Officer.objects.filter(department__in=ctx.departments)
        .exclude(role=Officer.Role.HEAD)
        .order_by("id")
    )
    n = 0
    for _ in range(min(24, len(offenders))):
        officer = offenders[int(rng.integers(len(offenders)))]
        kind = "corruption" if rng.random() < 0.3 else "disciplinary"
        services.offence_record(
            actor=None,
            officer=officer,
            occurred_on=dt.date(2025, 1, 1) + dt.timedelta(days=int(rng.integers(0, 600))),
            kind=kind,
            article=str(rng.choice(ARTICLES[kind])),
            outcome=str(rng.choice(OUTCOMES[kind])),
        )
        n += 1
    return [f"Integrity registry (generated): {n} offences linked to their heads"]
