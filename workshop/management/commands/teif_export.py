"""`manage.py teif_export --from 2026-01-01 --to 2026-01-31 --output DIR`: one validated TEIF XML per document."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workshop.einvoice.records import export_files, issued_documents
from workshop.management.commands.export_accounting import _day


class Command(BaseCommand):
    help = (
        "Écrit le XML TEIF (El Fatoora) validé de chaque facture et avoir émis sur la période ; "
        "sort en erreur en nommant le document et la règle si l'un d'eux ne passe pas la validation."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="premier jour, AAAA-MM-JJ")
        parser.add_argument("--to", dest="end", required=True, help="dernier jour, AAAA-MM-JJ")
        parser.add_argument("--output", required=True, help="dossier où écrire les fichiers XML")

    def handle(self, *args, start, end, output, **options):
        start, end = _day(start), _day(end)
        if start > end:
            raise CommandError("La date de début est postérieure à la date de fin.")
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        files, failures = export_files(issued_documents(date_from=start, date_to=end))
        for name, content in files:
            (folder / name).write_bytes(content)
        self.stdout.write(f"{len(files)} fichier(s) TEIF écrit(s) dans {folder}")
        if failures:
            for failure in failures:
                for rule, message in failure.failures:
                    self.stderr.write(f"{failure.document} [{rule}] {message}")
            raise CommandError(f"{len(failures)} document(s) refusé(s) par la validation TEIF.")
