"""Demo step: every demo precinct has one to three priorities residents set, with what was
done, in Russian, Kazakh and English.

Priorities were set over the last fourteen months and reviewed every two or three months;
about one in four was not reviewed for over three months (flagged on the heads' pages),
and about one in ten is closed. The texts are written for the demo, not taken from
residents.
"""

import datetime as dt

from django.utils import timezone

from precinct.priorities.models import Priority, PriorityAction, PriorityReview

# (theme: an appeal category code, issue, actions), each text as (ru, kk, en).
ISSUES = [
    (
        "public-order",
        ("Распитие спиртного и шум во дворах по вечерам",
         "Кешкі уақытта аулаларда ішімдік ішу және шу",
         "Drinking and noise in courtyards in the evenings"),
        [("Вечерние обходы дворов вместе с членами добровольной народной дружины",
          "Ерікті халық жасағының мүшелерімен бірге аулаларды кешкі аралау",
          "Evening patrols of the courtyards with the volunteer public order squad"),
         ("Составлено 9 протоколов о распитии спиртного в общественных местах",
          "Қоғамдық орындарда ішімдік ішкені үшін 9 хаттама толтырылды",
          "9 reports drawn up for drinking in public places")],
    ),
    (
        "traffic",
        ("Машины паркуются на тротуарах и у школы",
         "Көліктер тротуарларға және мектеп жанына тұрақтайды",
         "Cars parked on pavements and by the school"),
        [("Совместный рейд с патрульной полицией, выписано 14 штрафов",
          "Патрульдік полициямен бірлескен рейд, 14 айыппұл салынды",
          "A joint operation with the patrol police; 14 fines issued"),
         ("Акимат установил столбики вдоль тротуара у школы",
          "Әкімдік мектеп жанындағы тротуар бойына бағаналар орнатты",
          "The akimat put bollards along the pavement by the school")],
    ),
    (
        "theft-fraud",
        ("Телефонное мошенничество против пожилых жителей",
         "Егде жастағы тұрғындарға қарсы телефон алаяқтығы",
         "Phone fraud targeting elderly residents"),
        [("Встреча с жителями в КСК, розданы памятки о мошенниках",
          "ПИК-те тұрғындармен кездесу өтті, алаяқтар туралы жадынамалар таратылды",
          "A meeting with residents at the housing cooperative; leaflets on fraud handed out"),
         ("Инспектор обошёл квартиры одиноких пенсионеров и оставил свой телефон",
          "Инспектор жалғыз тұратын зейнеткерлердің пәтерлерін аралап, телефонын қалдырды",
          "The inspector visited pensioners living alone and left his phone number")],
    ),
    (
        "drugs",
        ("Надписи с рекламой наркотиков на стенах домов",
         "Үй қабырғаларындағы есірткі жарнамасы жазулары",
         "Graffiti advertising drugs on the walls of buildings"),
        [("Вместе с акиматом закрашены 23 надписи, сайты переданы для блокировки",
          "Әкімдікпен бірге 23 жазу боялды, сайттар бұғаттауға жіберілді",
          "23 inscriptions painted over with the akimat; the websites passed on for blocking")],
    ),
    (
        "juveniles",
        ("Подростки собираются в подъездах поздно вечером",
         "Жасөспірімдер кеш уақытта подъездерде жиналады",
         "Teenagers gathering in stairwells late in the evening"),
        [("Беседы в школе с инспектором по делам несовершеннолетних",
          "Мектепте кәмелетке толмағандар ісі жөніндегі инспектормен әңгімелер",
          "Talks at the school with the juvenile affairs inspector"),
         ("Родители девяти подростков приглашены на беседу в участковый пункт",
          "Тоғыз жасөспірімнің ата-анасы учаскелік пунктке әңгімеге шақырылды",
          "The parents of nine teenagers invited for a talk at the police post")],
    ),
    (
        "noise",
        ("Шум от кафе и машин по ночам",
         "Түнде кафе мен көліктерден шығатын шу",
         "Noise from cafés and cars at night"),
        [("Проверены три заведения, владельцы предупреждены о часах тишины",
          "Үш мекеме тексерілді, иелеріне тыныштық сағаттары туралы ескертілді",
          "Three venues checked; the owners warned about quiet hours")],
    ),
]  # fmt: skip

PLACES = [
    ("Дворы многоэтажных домов участка", "Учаскедегі көпқабатты үйлердің аулалары",
     "The courtyards of the precinct's apartment blocks"),
    ("У школы и на пешеходных переходах", "Мектеп жанында және жаяу жүргінші өткелдерінде",
     "By the school and at the pedestrian crossings"),
    ("Остановки общественного транспорта", "Қоғамдық көлік аялдамалары",
     "The public transport stops"),
    ("Сквер и детские площадки", "Саябақ және балалар алаңдары", "The square and playgrounds"),
]  # fmt: skip


def build(ctx) -> list[str]:
    rng = ctx.rng("priorities")
    today = timezone.localdate()
    plans = []
    for precinct in ctx.precincts:
        chosen = rng.choice(len(ISSUES), size=int(rng.integers(1, 4)), replace=False)
        for k in chosen:
            plans.append((precinct, int(k), _history(rng, today)))
    priorities = Priority.objects.bulk_create(
        [_priority(precinct, k, rng, h) for precinct, k, h in plans], batch_size=2000
    )
    reviews, actions = [], []
    for priority, (_, k, history) in zip(priorities, plans, strict=True):
        reviews += [PriorityReview(priority=priority, reviewed_on=d) for d in history["reviews"]]
        actions += _actions(rng, priority, k, history)
    PriorityReview.objects.bulk_create(reviews, batch_size=5000)
    PriorityAction.objects.bulk_create(actions, batch_size=5000)
    overdue = sum(
        p.state == Priority.State.ACTIVE and (today - p.reviewed_on).days > 92 for p in priorities
    )
    return [
        f"{len(priorities)} priorities residents set ({overdue} overdue for review), "
        f"{len(actions)} actions reported"
    ]


def _history(rng, today: dt.date) -> dict:
    """When a priority was set, reviewed and perhaps closed: reviewed every 60–85 days,
    a quarter of them left unreviewed for 100–200 days, a tenth closed."""
    set_on = today - dt.timedelta(days=int(rng.integers(20, 420)))
    stale = rng.random() < 0.25
    last_allowed = today - dt.timedelta(days=int(rng.integers(100, 200)) if stale else 0)
    reviews, day = [set_on], set_on
    while True:
        day = day + dt.timedelta(days=int(rng.integers(60, 86)))
        if day > last_allowed:
            break
        reviews.append(day)
    closed_on = None
    if not stale and rng.random() < 0.1 and reviews[-1] < today:
        closed_on = reviews[-1] + dt.timedelta(days=int(rng.integers(1, 30)))
        closed_on = min(closed_on, today)
    since = set_on - dt.timedelta(days=int(rng.integers(0, 120)))
    return {"since": since, "set_on": set_on, "reviews": reviews, "closed_on": closed_on}


def _priority(precinct, k: int, rng, history: dict) -> Priority:
    issue = ISSUES[k][1]
    place = PLACES[int(rng.integers(len(PLACES)))]
    return Priority(
        precinct=precinct,
        theme=ISSUES[k][0],
        issue=issue[0], issue_kk=issue[1], issue_en=issue[2],
        place=place[0], place_kk=place[1], place_en=place[2],
        since=history["since"],
        reviewed_on=history["reviews"][-1],
        state=Priority.State.CLOSED if history["closed_on"] else Priority.State.ACTIVE,
        closed_on=history["closed_on"],
    )  # fmt: skip


def _actions(rng, priority: Priority, k: int, history: dict) -> list[PriorityAction]:
    """The issue's actions in order, each on a day between the setting and today (or the
    closing), a recent one first in the list."""
    end = history["closed_on"] or history["reviews"][-1] + dt.timedelta(days=60)
    end = min(end, timezone.localdate())
    span = max((end - history["set_on"]).days, 1)
    texts = ISSUES[k][2]
    days = sorted(int(d) for d in rng.integers(1, span + 1, size=len(texts)))
    return [
        PriorityAction(
            priority=priority, done_on=history["set_on"] + dt.timedelta(days=min(d, span)),
            text=t[0], text_kk=t[1], text_en=t[2],
        )
        for d, t in zip(days, texts, strict=True)
    ]  # fmt: skip
