"""JSON shapes of the integrity API."""

import datetime as dt

from ninja import Schema


class ResponsibleOut(Schema):
    head_id: int
    head: str
    department_id: int
    level: int


class OffenceOut(Schema):
    id: int
    occurred_on: dt.date
    officer_id: int
    officer: str
    department_id: int
    kind: str
    article: str
    outcome: str
    responsible: list[ResponsibleOut]


class OffenceIn(Schema):
    officer_id: int
    occurred_on: dt.date
    kind: str
    article: str
    outcome: str = "pending"
    summary: str = ""
