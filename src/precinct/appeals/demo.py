"""Demo step: a year of appeals for the demo city, with bulk inserts.

Volumes follow population (about one appeal per 125 residents a year), with more in
summer; answers mostly arrive within the legal 15 working days, a few late, a few still
open past the deadline; some answers are rated, and a few low ratings reopened the
appeal one level up. Residents' names and phones are generated and marked as such.
"""

import datetime as dt

import numpy as np
from django.utils import timezone

from precinct.accounts.models import User
from precinct.analytics.calendar import WorkingCalendar
from precinct.appeals import deadlines, rollups
from precinct.appeals.models import (
    AnswerTemplate,
    Appeal,
    AppealEvent,
    Category,
    Status,
)

# About 17,000 a year for Almaty's 2.2 million: the order of magnitude of appeals to a
# city police department (an assumption for the demo, not an official figure).
APPEALS_PER_RESIDENT_YEAR = 0.008
# January … December: more appeals in the warm months (noise, yards, traffic).
SEASON = np.array([0.8, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.3, 1.1, 1.0, 0.8, 0.7])
TYPES = np.array(["request", "complaint", "proposal", "gratitude", "offence"])
TYPE_SHARE = np.array([0.5, 0.25, 0.08, 0.05, 0.12])
ANSWERS = [
    "Проведена профилактическая беседа, нарушение устранено.",
    "Участковый инспектор выехал на место, составлен протокол.",
    "Ваше предложение учтено в плане работы на следующий квартал.",
    "Информация передана в акимат района по компетенции.",
]
# The same answers in Kazakh and English, for the answer templates (residents read their own).
ANSWERS_KK = [
    "Алдын алу әңгімесі жүргізілді, бұзушылық жойылды.",
    "Учаскелік инспектор оқиға орнына барды, хаттама толтырылды.",
    "Сіздің ұсынысыңыз келесі тоқсанның жұмыс жоспарында ескерілді.",
    "Ақпарат құзыреті бойынша аудан әкімдігіне жіберілді.",
]
ANSWERS_EN = [
    "A preventive talk was held and the violation has been stopped.",
    "The district inspector went to the place and drew up a report.",
    "Your proposal has been included in next quarter's work plan.",
    "The information was passed to the district akimat, which is competent.",
]


def _times(rng, n: int, start: dt.date, days: int) -> np.ndarray:
    """Registration days with seasonality, at office hours (as datetime64[s], local)."""
    all_days = start + np.arange(days).astype("timedelta64[D]")
    months = all_days.astype("datetime64[M]").astype(int) % 12
    weights = SEASON[months]
    weights = weights / weights.sum()
    chosen = np.sort(rng.choice(all_days, size=n, p=weights))
    seconds = rng.integers(8 * 3600, 20 * 3600, n).astype("timedelta64[s]")
    return chosen.astype("datetime64[s]") + seconds


def build(ctx) -> list[str]:
    rng = ctx.rng("appeals")
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    start = np.datetime64(today - dt.timedelta(days=365), "D")
    cal: WorkingCalendar = deadlines.calendar()
    limit = deadlines.limits()["ANSWER_WORKING_DAYS"]
    categories = list(Category.objects.filter(is_active=True))
    precincts = [p for p in ctx.precincts if p.min_lon is not None]
    counts = rng.poisson([max(p.residents, 1) * APPEALS_PER_RESIDENT_YEAR for p in precincts])
    n = int(counts.sum())
    # Registration times come sorted (numbers follow the clock); precincts must not, or
    # each precinct would get one contiguous slice of the year.
    which = rng.permutation(np.repeat(np.arange(len(precincts)), counts))
    registered = _times(rng, n, start, 365)
    reg_day = registered.astype("datetime64[D]")
    due = cal.add_working_days(reg_day, limit)
    # Working days to answer: most well inside the limit, a tail beyond it.
    delay = np.clip(np.round(rng.gamma(3.0, 3.2, n)), 1, 40).astype(np.int64)
    answered_day = cal.add_working_days(reg_day, delay)
    answered = answered_day <= np.datetime64(today)
    open_overdue = ~answered & (due < np.datetime64(today))
    # Leave most of the not-yet-answered-but-past-due ones answered late, a few open.
    keep_open = open_overdue & (rng.random(n) < 0.15)
    answered |= open_overdue & ~keep_open
    answered_day = np.where(
        open_overdue & ~keep_open, np.minimum(answered_day, np.datetime64(today)), answered_day
    )
    extended = rng.random(n) < 0.04
    kinds = rng.choice(TYPES, size=n, p=TYPE_SHARE)
    cat_idx = rng.integers(0, len(categories), n)
    rated = answered & (rng.random(n) < 0.4)
    ratings = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.08, 0.07, 0.15, 0.3, 0.4])
    reopened = rated & (ratings <= 2) & (rng.random(n) < 0.4)

    rows = []
    for i in range(n):
        p = precincts[which[i]]
        cat = categories[cat_idx[i]]
        reg = dt.datetime.fromisoformat(str(registered[i])).replace(tzinfo=tz)
        due_i = due[i].astype(dt.date)
        a = Appeal(
            registration_number=f"{reg:%Y}-D{i + 1:06d}",
            tracking_code=f"demo{i + 1:08d}{rng.integers(1 << 30):09d}",
            type=str(kinds[i]),
            channel=str(rng.choice(["web", "phone", "api", "reception"])),
            category=cat,
            text="Демонстрационное обращение (сгенерировано).",
            lat=float(rng.uniform(p.min_lat, p.max_lat)),
            lon=float(rng.uniform(p.min_lon, p.max_lon)),
            precinct_id=p.pk,
            department_id=p.department_id,
            service=cat.service,
            contact_name=f"Житель {i + 1} (демо)",
            contact_phone=f"+7 700 {rng.integers(1_000_000, 9_999_999)}",
            registered_at=reg,
            due_date=due_i,
            extended=bool(extended[i]),
            forward_due_date=cal.add_working_days(reg_day[i : i + 1], 3)[0].astype(dt.date)
            if cat.outside_competence
            else None,
            forwarded_to=cat.forward_to if cat.outside_competence else "",
        )
        if extended[i]:
            a.due_date = due_i + dt.timedelta(days=14)
        if answered[i]:
            day = answered_day[i].astype(dt.date)
            a.answered_at = dt.datetime.combine(day, dt.time(15, 0), tzinfo=tz)
            a.answer = ANSWERS[i % len(ANSWERS)]
            a.answered_on_time = day <= a.due_date
            a.working_days_to_answer = int(delay[i])
            a.status = Status.CLOSED if day < today - dt.timedelta(days=7) else Status.ANSWERED
            if cat.outside_competence:
                # Forwarded by the forward date, one in ten two days late (the measures
                # count both).
                late = dt.timedelta(days=2 if i % 10 == 0 else 0)
                a.status = Status.FORWARDED
                a.closed_at = dt.datetime.combine(a.forward_due_date + late, dt.time(12), tzinfo=tz)
            if rated[i]:
                a.rating = int(ratings[i])
                a.rated_at = a.answered_at + dt.timedelta(days=2)
            if reopened[i]:
                a.reopened_count = 1
        else:
            a.status = Status.IN_PROGRESS if rng.random() < 0.6 else Status.REGISTERED
            if keep_open[i]:
                a.escalated_at = dt.datetime.combine(due_i, dt.time(9), tzinfo=tz) + dt.timedelta(
                    days=1
                )
        rows.append(a)
    Appeal.objects.bulk_create(rows, batch_size=2000)
    _events(rows)
    demo_inspector = User.objects.filter(username="demo-inspector").first()
    if demo_inspector is not None:
        mine = Appeal.objects.filter(
            department_id=demo_inspector.department_id, status=Status.IN_PROGRESS
        ).values_list("id", flat=True)[:40]
        Appeal.objects.filter(id__in=list(mine)).update(assigned_to=demo_inspector)
    AnswerTemplate.objects.bulk_create(
        [
            AnswerTemplate(
                title=ru[:40], title_kk=kk[:40], title_en=en[:40], text=ru, text_kk=kk, text_en=en
            )
            for ru, kk, en in zip(ANSWERS, ANSWERS_KK, ANSWERS_EN, strict=True)
        ]
    )
    rollups.rebuild_all()
    overdue = int(keep_open.sum())
    return [
        f"{n:,} appeals over a year ({int(answered.sum()):,} answered, {overdue} open overdue, "
        f"{int(reopened.sum())} reopened)"
    ]


def _events(rows: list[Appeal]) -> None:
    events = []
    for a in rows:
        events.append(
            AppealEvent(
                appeal_id=a.pk, at=a.registered_at, kind="registered", to_status=Status.REGISTERED
            )
        )
        if a.answered_at:
            events.append(
                AppealEvent(
                    appeal_id=a.pk,
                    at=a.answered_at,
                    kind="answered",
                    from_status=Status.IN_PROGRESS,
                    to_status=Status.ANSWERED,
                )
            )
    AppealEvent.objects.bulk_create(events, batch_size=5000)
