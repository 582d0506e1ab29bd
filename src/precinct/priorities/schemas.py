"""JSON shapes of the priorities API: the same rows as the staff page."""

import datetime as dt

from ninja import Field, Schema


class PriorityActionOut(Schema):
    id: int
    done_on: dt.date
    text: str = Field(description="In the language asked for (Accept-Language), else Russian.")


class PriorityOut(Schema):
    id: int
    precinct_id: int
    issue: str
    place: str
    theme: str = Field(description="An appeal category code, or empty.")
    theme_label: str
    since: dt.date
    reviewed_on: dt.date
    review_due: bool = Field(description="Current and not reviewed for over three months.")
    state: str
    closed_on: dt.date | None = None
    actions: list[PriorityActionOut]


class PrioritySetIn(Schema):
    precinct_id: int
    issue: str = Field(description="In Russian (required).")
    issue_kk: str = ""
    issue_en: str = ""
    place: str = ""
    place_kk: str = ""
    place_en: str = ""
    since: dt.date
    theme: str = ""


class PriorityReviewIn(Schema):
    """Texts to change on the way; those left out stay as they are."""

    issue: str | None = None
    issue_kk: str | None = None
    issue_en: str | None = None
    place: str | None = None
    place_kk: str | None = None
    place_en: str | None = None
    theme: str | None = None


class PriorityActionIn(Schema):
    done_on: dt.date
    text: str = Field(description="In Russian (required).")
    text_kk: str = ""
    text_en: str = ""


class ThemeRaisedOut(Schema):
    theme: str
    label: str
    appeals: int
    receptions: int
    survey: int = Field(description="Respondents of the precinct's district.")
    total: int


class ThemesRaisedOut(Schema):
    start: dt.date
    end: dt.date
    themes: list[ThemeRaisedOut]
