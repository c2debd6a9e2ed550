"""`manage.py import_customers FILE [--dry-run] [--skip-invalid] [--rejects OUT.csv]`."""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from workshop.imports.importer import ImportFileError, import_customers
from workshop.models import CustomerImport

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Importe des clients et leurs véhicules depuis un fichier CSV ou XLSX (une ligne par véhicule)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier .csv (, ou ;, UTF-8 ou Windows-1252) ou .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="analyser sans rien enregistrer")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="importer les lignes valides même si d'autres sont invalides"
        )
        parser.add_argument("--rejects", metavar="OUT.csv", help="écrire les lignes rejetées (avec la raison) ici")

    def handle(self, *args, file, dry_run, skip_invalid, rejects, **options):
        translation.activate(settings.LANGUAGE_CODE)
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("Fichier introuvable : %(path)s") % {"path": path})
        rejects_path = Path(rejects) if rejects else None
        show_bar = self.stdout.isatty() if hasattr(self.stdout, "isatty") else sys.stdout.isatty()
        try:
            with path.open("rb") as stream, _open_rejects(rejects_path) as rejects_stream:
                report = import_customers(
                    stream=stream,
                    file_name=path.name,
                    dry_run=dry_run,
                    skip_invalid=skip_invalid,
                    rejects=rejects_stream,
                    progress=self._bar if show_bar else None,
                    source=CustomerImport.Source.COMMAND,
                )
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        if show_bar:
            self.stdout.write("")
        self._print(report, rejects_path)
        if rejects_path and report.rows_invalid == 0:
            rejects_path.unlink(missing_ok=True)
        if report.rows_invalid and not skip_invalid:
            raise CommandError(
                _(
                    "%(count)s ligne(s) invalide(s) : rien n'a été enregistré. Corrigez-les, ou relancez avec "
                    "--skip-invalid pour importer les lignes valides."
                )
                % {"count": report.rows_invalid},
                returncode=2,
            )

    def _bar(self, rows: int, fraction: float | None) -> None:
        if fraction is None:
            self.stdout.write(f"\r{rows} lignes", ending="")
        else:
            filled = int(BAR_WIDTH * fraction)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            self.stdout.write(f"\r[{bar}] {fraction:4.0%}  {rows} lignes", ending="")
        self.stdout.flush()

    def _print(self, report, rejects_path) -> None:
        write = self.stdout.write
        if report.unknown_columns:
            write(
                self.style.WARNING(
                    _("Colonnes inconnues, ignorées : %(columns)s")
                    % {"columns": ", ".join(f"« {c} »" for c in report.unknown_columns)}
                )
            )
        for error in report.errors:
            column = f" [{error.column}]" if error.column else ""
            write(self.style.ERROR(_("Ligne %(row)s%(column)s : %(message)s") % {**error.__dict__, "column": column}))
        if report.errors_truncated:
            write(_("… (les autres erreurs sont dans le fichier des rejets)"))
        write(_("Lignes lues : %(rows)s") % {"rows": report.rows})
        write(_("Clients créés : %(n)s") % {"n": report.customers_created})
        write(_("Véhicules créés : %(n)s") % {"n": report.cars_created})
        write(
            _("Mis à jour : %(n)s (clients %(c)s, véhicules %(v)s)")
            % {"n": report.updated, "c": report.customers_updated, "v": report.cars_updated}
        )
        write(_("Lignes inchangées : %(n)s") % {"n": report.rows_unchanged})
        write(_("Lignes invalides : %(n)s") % {"n": report.rows_invalid})
        if rejects_path and report.rows_invalid:
            write(_("Lignes rejetées écrites dans %(path)s") % {"path": rejects_path})
        if report.dry_run:
            write(self.style.WARNING(_("Essai (--dry-run) : rien n'a été enregistré.")))
        elif report.committed:
            write(self.style.SUCCESS(_("Import enregistré.")))


class _NoFile:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def _open_rejects(path: Path | None):
    return path.open("w", encoding="utf-8-sig", newline="") if path else _NoFile()
