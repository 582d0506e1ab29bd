"""``precinct surveys import FILE --survey ID --mapping MAPPING.toml`` and friends."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from precinct.core.importing import refusals_as_command_errors
from precinct.surveys import services
from precinct.surveys.models import Questionnaire, Survey


class Command(BaseCommand):
    help = "Population surveys: import field files, load the standard questionnaire."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import a CSV or XLSX field file (all or nothing).")
        imp.add_argument("file", type=Path)
        imp.add_argument("--survey", type=int, required=True, help="Survey (wave) id.")
        imp.add_argument("--mapping", type=Path, required=True, help="TOML column mapping.")
        sub.add_parser("load-standard", help="Load the standard police-trust questionnaire.")

    def handle(self, *args, action, **options):
        if action == "load-standard":
            return self._load_standard()
        return self._import(options["file"], options["survey"], options["mapping"])

    def _load_standard(self):
        data = json.loads(services.STANDARD_QUESTIONNAIRE.read_text(encoding="utf-8"))
        if Questionnaire.objects.filter(code=data["code"], version=data["version"]).exists():
            self.stdout.write(f"{data['code']} v{data['version']} is already loaded.")
            return
        q = services.questionnaire_load(data=data)
        self.stdout.write(self.style.SUCCESS(f"Loaded {q} with {q.questions.count()} questions."))

    def _import(self, file: Path, survey_id: int, mapping: Path):
        survey = Survey.objects.filter(pk=survey_id).select_related("questionnaire").first()
        if survey is None:
            raise CommandError(f"--survey: no survey with id {survey_id}.")
        with refusals_as_command_errors():
            report = services.responses_import(survey=survey, path=file, mapping_path=mapping)
        self.stdout.write(
            self.style.SUCCESS(f"Imported {report.rows} responses into survey {survey.pk}.")
        )
