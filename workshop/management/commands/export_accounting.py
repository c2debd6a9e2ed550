"""`manage.py export_accounting --from 2026-01-01 --to 2026-01-31 [--format xlsx|csv] [--output PATH]`."""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workshop.accounting import PARTS, accounting_csv, accounting_file_name, accounting_workbook


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Date invalide : « {value} » (attendu AAAA-MM-JJ).") from None


class Command(BaseCommand):
    help = "Exporte pour le comptable les factures, paiements et avoirs d'une période (XLSX, ou un CSV par partie)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="premier jour, AAAA-MM-JJ")
        parser.add_argument("--to", dest="end", required=True, help="dernier jour, AAAA-MM-JJ")
        parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
        parser.add_argument("--output", help="fichier .xlsx, ou dossier des CSV (défaut : dossier courant)")

    def handle(self, *args, start, end, format, output, **options):
        start, end = _day(start), _day(end)
        if start > end:
            raise CommandError("La date de début est postérieure à la date de fin.")
        if format == "xlsx":
            path = Path(output) if output else Path(accounting_file_name(start=start, end=end))
            path.write_bytes(accounting_workbook(start=start, end=end))
            self.stdout.write(f"Écrit : {path}")
            return
        folder = Path(output or ".")
        folder.mkdir(parents=True, exist_ok=True)
        for part in PARTS:
            path = folder / accounting_file_name(start=start, end=end, part=part, extension="csv")
            path.write_bytes(accounting_csv(start=start, end=end, part=part))
            self.stdout.write(f"Écrit : {path}")
