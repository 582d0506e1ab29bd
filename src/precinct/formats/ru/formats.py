"""Russian short dates as Kazakhstan writes them (Django's own, stated so pages rely on it)."""

SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
