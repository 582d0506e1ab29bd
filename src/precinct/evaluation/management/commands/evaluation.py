"""``precinct evaluation period LABEL START END`` and ``precinct evaluation compute LABEL``."""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from precinct.evaluation import services
from precinct.evaluation.models import Period


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = "Evaluation periods and the computation of indicators, indexes and ranks."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        per = sub.add_parser("period", help="Add an evaluation period.")
        per.add_argument("label")
        per.add_argument("starts_on")
        per.add_argument("ends_on")
        comp = sub.add_parser("compute", help="Compute every indicator of a period.")
        comp.add_argument("label")

    def handle(self, *args, action, label, **options):
        if action == "period":
            try:
                services.period_create(
                    label=label,
                    starts_on=_date(options["starts_on"]),
                    ends_on=_date(options["ends_on"]),
                )
            except services.EvaluationError as exc:
                raise CommandError(f"{exc.field}: {exc}") from None
            self.stdout.write(self.style.SUCCESS(f"Period {label} added."))
            return
        period = Period.objects.filter(label=label).first()
        if period is None:
            raise CommandError(f"No period {label!r}; add it with `precinct evaluation period`.")
        started = time.perf_counter()
        n = services.evaluation_compute(period=period)
        seconds = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Evaluated {n} departments in {seconds:.1f} s."))
