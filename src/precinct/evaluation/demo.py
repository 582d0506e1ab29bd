"""Demo step of evaluation: the real Form 1-M statistics of all 20 regions, and generated
department counts, survey waves and integrity records for the Almaty demo; then scores.

Real: the Form 1-M workbooks and the population table (../shared/data). Generated (and
labelled so): department counts (the real Almaty rate spread over districts by
residents), survey respondents and answers, officers' offences, the age structure used
for the survey margins.
"""

import dataclasses
import datetime as dt
import json
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from precinct.crime import services as crime
from precinct.evaluation import services
from precinct.integrity import services as integrity
from precinct.surveys import services as surveys
from precinct.surveys.models import Response
from precinct.territory.models import Officer, Precinct

STEP = "precinct.evaluation.demo"
PERIODS = [("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31))]
PERIODS.append(("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
# Age structure of adults (assumed for the demo; the official table has only totals by sex).
AGE_SHARES = {"18-29": 0.27, "30-44": 0.33, "45-59": 0.22, "60+": 0.18}
ADULT_SHARE = 0.7
RESPONDENTS_PER_WAVE = 1600


def build(ctx) -> list[str]:
    rng = ctx.rng(STEP)
    lines = [_crime_statistics(ctx)]
    for label, starts, ends in PERIODS:
        services.period_create(label=label, starts_on=starts, ends_on=ends)
    lines.append(_department_counts(ctx, rng))
    lines.append(_surveys(ctx, rng))
    lines.append(_integrity(ctx, rng))
    lines.append(_security_account(ctx))
    lines.append(_scores(ctx))
    return lines


# --- real statistics --------------------------------------------------------------------


def _crime_statistics(ctx) -> str:
    data = Path(settings.SHARED_DATA_DIR)
    sheets = _form1m_sheets(data / "kz_crime" / "xlsx")
    result = crime.crime_store_sheets(sheets=sheets)
    crime.population_import(path=data / "kz_population" / "city_population.csv")
    return f"Form 1-M (real): {result['rows']:,} rows of {result['regions']} regions"


def _form1m_sheets(folder: Path) -> list:
    """The workbooks read once and cached as JSON (reading 20 workbooks takes seconds)."""
    from precinct.analytics import form1m

    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".xlsx")
    stamp = [[p.name, p.stat().st_size, int(p.stat().st_mtime)] for p in files]
    cache = Path(settings.VAR_DIR) / "cache" / "form1m.json"
    if cache.is_file():
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if cached.get("stamp") == stamp:
            return [
                form1m.Form1MSheet(
                    region=s["region"],
                    title=s["title"],
                    path=s["path"],
                    rows=[form1m.Form1MRow(**{**r, "graf": tuple(r["graf"])}) for r in s["rows"]],
                )
                for s in cached["sheets"]
            ]
    sheets = form1m.read_form1m_dir(folder)
    cache.parent.mkdir(parents=True, exist_ok=True)
    payload = {"stamp": stamp, "sheets": [dataclasses.asdict(s) for s in sheets]}
    cache.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return sheets


# --- generated department counts --------------------------------------------------------


def _residents(ctx) -> dict[int, int]:
    rows = Precinct.objects.filter(department__in=ctx.departments).values("department")
    return dict(rows.annotate(n=Sum("residents")).values_list("department", "n"))


def _department_counts(ctx, rng) -> str:
    from precinct.crime.models import RegionalCategoryCount, RegionPopulation

    total = sum(
        RegionalCategoryCount.objects.filter(region_key="almaty-city").values_list(
            "registered", flat=True
        )
    )
    population = RegionPopulation.objects.get(region_key="almaty-city").population
    rate = total / population  # the real registered offences per resident
    people = _residents(ctx)
    counts = []
    for d in ctx.departments:
        level = rate * float(rng.uniform(0.7, 1.4))
        for label, _s, _e in PERIODS:
            registered = int(rng.poisson(max(level * people.get(d.pk, 0), 1)))
            cleared = int(rng.binomial(registered, rng.uniform(0.35, 0.6)))
            counts.append((d, label, "total", registered, cleared))
            level *= float(rng.uniform(0.85, 1.05))  # crime fell since 2019 (seed 003)
    crime.department_counts_set(counts=counts)
    return f"Department crime counts (generated from the real city rate): {len(counts)}"


# --- generated survey waves ---------------------------------------------------------------


def _margins(ctx) -> int:
    from precinct.crime.models import RegionPopulation

    people = _residents(ctx)
    adults = {str(k): round(v * ADULT_SHARE) for k, v in people.items() if v}
    total = sum(adults.values())
    city = RegionPopulation.objects.get(region_key="almaty-city")
    male_share = city.males / city.population  # real
    cells = {
        f"{age}:{sex}": share * (male_share if sex == "m" else 1 - male_share) * total
        for age, share in AGE_SHARES.items()
        for sex in ("m", "f")
    }
    rounded = {k: int(v) for k, v in cells.items()}
    rounded["18-29:f"] += total - sum(rounded.values())  # the margins must sum alike
    source = "demo: districts derived from residents, sex real, age assumed"
    surveys.margins_set(region=ctx.region, dimension="district", totals=adults, source=source)
    surveys.margins_set(region=ctx.region, dimension="age_sex", totals=rounded, source=source)
    return total


def _surveys(ctx, rng) -> str:
    _margins(ctx)
    questionnaire = surveys.questionnaire_standard_ensure()
    people = _residents(ctx)
    deps = [d for d in ctx.departments if people.get(d.pk)]
    # Fieldwork reaches districts unevenly: weights have something to correct.
    reach = np.array([people[d.pk] for d in deps], dtype=float) * rng.uniform(0.5, 1.5, len(deps))
    reach /= reach.sum()
    trust_base = {d.pk: float(rng.uniform(-0.6, 0.6)) for d in deps}
    n = 0
    for wave, (label, starts, _ends) in enumerate(PERIODS):
        survey = surveys.survey_create(
            questionnaire=questionnaire,
            region=ctx.region,
            period=label,
            opens_on=starts + dt.timedelta(days=60),
            closes_on=starts + dt.timedelta(days=90),
            mode="field",
        )
        rows = []
        for _ in range(RESPONDENTS_PER_WAVE):
            d = deps[int(rng.choice(len(deps), p=reach))]
            age = str(rng.choice(list(AGE_SHARES), p=[0.35, 0.3, 0.2, 0.15]))  # young answer more
            sex = "f" if rng.random() < 0.58 else "m"
            mood = trust_base[d.pk] + 0.25 * wave + (0.4 if age == "60+" else 0.0)
            mood += -0.3 if (sex == "m" and age == "18-29") else 0.0
            rows.append(
                Response(
                    survey=survey,
                    department=d,
                    age_group=age,
                    sex=sex,
                    answers=_answers(rng, mood),
                    source=Response.Source.DEMO,
                    submitted_at=timezone.make_aware(
                        dt.datetime.combine(starts + dt.timedelta(days=75), dt.time(12))
                    ),
                )
            )
        Response.objects.bulk_create(rows, batch_size=1000)
        n += len(rows)
    return f"Survey waves (generated respondents): {len(PERIODS)} waves, {n:,} responses"


def _likert(rng, mood: float) -> int:
    return int(np.clip(np.round(rng.normal(3.1 + mood, 1.1)), 1, 5))


def _answers(rng, mood: float) -> dict:
    contact = str(rng.choice(["none", "call102", "appeal", "inspector", "other"]))
    answers = {
        "trust_local": _likert(rng, mood),
        "fair": _likert(rng, mood - 0.1),
        "listen": _likert(rng, mood - 0.3),
        "rely": _likert(rng, mood),
        "safe_dark": _likert(rng, mood + 0.2),
        "knows_inspector": bool(rng.random() < 0.3 + 0.1 * mood),
        "heard_service_model": bool(rng.random() < 0.45 + 0.1 * mood),
        "contact": contact,
        "concerns": sorted(
            set(rng.choice(["theft", "drugs", "roads", "hooliganism", "fraud"], size=2).tolist())
        ),
    }
    if contact != "none":
        answers["contact_satisfaction"] = int(np.clip(np.round(rng.normal(6.5 + mood, 2)), 0, 10))
    return answers


# --- generated integrity records ----------------------------------------------------------

ARTICLES = {
    "corruption": ["УК РК ст. 366 (получение взятки)", "УК РК ст. 361 (злоупотребление)"],
    "disciplinary": ["нарушение служебной дисциплины", "грубое обращение с гражданином"],
}

OUTCOMES = {
    "corruption": ["dismissal", "prosecuted"],
    "disciplinary": ["reprimand", "severe_reprimand", "cleared"],
}


def _integrity(ctx, rng) -> str:
    since = dt.date(2024, 1, 1)
    for d in [ctx.city, *ctx.departments]:
        for head in Officer.objects.filter(department=d, role=Officer.Role.HEAD):
            integrity.head_term_start(officer=head, department=d, starts_on=since)
    offenders = list(
        Officer.objects.filter(department__in=ctx.departments)
        .exclude(role=Officer.Role.HEAD)
        .order_by("id")
    )
    n = 0
    for _ in range(min(24, len(offenders))):
        officer = offenders[int(rng.integers(len(offenders)))]
        kind = "corruption" if rng.random() < 0.3 else "disciplinary"
        outcomes = OUTCOMES[kind]
        outcome = str(rng.choice(outcomes))
        integrity.offence_record(
            actor=None,
            officer=officer,
            occurred_on=dt.date(2025, 1, 1) + dt.timedelta(days=int(rng.integers(0, 600))),
            kind=kind,
            article=str(rng.choice(ARTICLES[kind])),
            outcome=outcome,
        )
        n += 1
    return f"Integrity registry (generated): {n} offences linked to their heads"


def _security_account(ctx) -> str:
    """demo-internal_security, scoped to the city, with the other demo accounts' password."""
    from precinct.accounts.models import Role, User
    from precinct.accounts.services import staff_user_create
    from precinct.demo.accounts import DEMO_USERNAMES

    username = DEMO_USERNAMES.get(Role.INTERNAL_SECURITY, "demo-internal_security")
    head = User.objects.filter(username=DEMO_USERNAMES[Role.HEAD]).first()
    if head is None or User.objects.filter(username=username).exists():
        return "Internal security account: not created"
    user = staff_user_create(
        username=username, password=None, role=Role.INTERNAL_SECURITY, department=ctx.city
    )
    user.password = head.password  # the same demo password, without knowing it here
    user.save(update_fields=["password"])
    return f"Internal security account: {username} (the demo password)"


def _scores(ctx) -> str:
    from precinct.evaluation.models import Period

    try:
        from precinct.analytics import indicators  # noqa: F401
    except ImportError:  # the analytics core's indicators have not landed in this tree
        return "Evaluation not computed: precinct.analytics.indicators is missing"
    done = []
    for period in Period.objects.order_by("starts_on"):
        services.evaluation_compute(period=period)
        done.append(period.label)
    return "Evaluation computed for " + ", ".join(done)
