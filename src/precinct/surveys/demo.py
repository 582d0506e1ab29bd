"""Demo step of surveys: two generated waves of respondents, raked to margins derived from
the demo's residents (the city's sex split real, from the population table; the age
structure assumed), labelled as generated."""

import datetime as dt

import numpy as np
from django.utils import timezone

from precinct.crime import metrics as crime
from precinct.surveys import cells, services
from precinct.surveys.models import Response

STEP = "precinct.surveys.demo"
# Age structure of adults (assumed for the demo; the official table has only totals by sex).
AGE_SHARES = {"18-29": 0.27, "30-44": 0.33, "45-59": 0.22, "60+": 0.18}
ADULT_SHARE = 0.7
RESPONDENTS_PER_WAVE = 1600


def build(ctx) -> list[str]:
    return [_surveys(ctx, ctx.rng(STEP))]


def _margins(ctx) -> int:
    people = ctx.residents()
    adults = {str(k): round(v * ADULT_SHARE) for k, v in people.items() if v}
    total = sum(adults.values())
    city = crime.region_population(region_key="almaty-city")
    male_share = city["males"] / city["population"]  # real
    cells = {
        f"{age}:{sex}": share * (male_share if sex == "m" else 1 - male_share) * total
        for age, share in AGE_SHARES.items()
        for sex in ("m", "f")
    }
    rounded = {k: int(v) for k, v in cells.items()}
    rounded["18-29:f"] += total - sum(rounded.values())  # the margins must sum alike
    source = "demo: districts derived from residents, sex real, age assumed"
    services.margins_set(region=ctx.region, dimension="district", totals=adults, source=source)
    services.margins_set(region=ctx.region, dimension="age_sex", totals=rounded, source=source)
    return total


def _surveys(ctx, rng) -> str:
    _margins(ctx)
    questionnaire = services.questionnaire_standard_ensure()
    people = ctx.residents()
    deps = [d for d in ctx.departments if people.get(d.pk)]
    # Fieldwork reaches districts unevenly: weights have something to correct.
    reach = np.array([people[d.pk] for d in deps], dtype=float) * rng.uniform(0.5, 1.5, len(deps))
    reach /= reach.sum()
    trust_base = {d.pk: float(rng.uniform(-0.6, 0.6)) for d in deps}
    n = 0
    for wave, year in enumerate(ctx.years):
        starts = dt.date(year, 1, 1)
        survey = services.survey_create(
            questionnaire=questionnaire,
            region=ctx.region,
            period=str(year),
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
    cells.cells_refresh()
    return f"Survey waves (generated respondents): {len(ctx.years)} waves, {n:,} responses"


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
