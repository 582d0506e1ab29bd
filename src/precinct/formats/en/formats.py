"""English dates on an Almaty site: Django's "12/02/2026" reads as 12 February to half the
readers and 2 December to the other, so short dates name the month ("2 Dec 2026") and
times stay on the 24-hour clock. Input formats stay Django's."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"
TIME_FORMAT = "H:i"
