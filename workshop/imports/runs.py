"""An admin import runs in the background: the request stores the file and queues the work, a Celery task runs
the dry run or the real import, the preview page follows its progress.

Each step locks the import record and checks the state it expects (like `workflows.fire`), so a double click
or two browsers confirming the same file import it once; imports of different files are serialised by
`imports.serialise_imports`. Progress lives in the cache while the import's transaction is open (the record
row is locked and its changes invisible until commit), and on the record once it is finished.
"""

import io
import logging
from pathlib import PurePath

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from workshop.imports.importer import ImportFileError, ImportReport, fill_counts, import_customers
from workshop.models import CustomerImport

logger = logging.getLogger(__name__)
Status = CustomerImport.Status
RUNNING = (Status.ANALYSING, Status.IMPORTING)
PROGRESS_SECONDS = 24 * 3600


class ImportRefused(Exception):
    """The import cannot be confirmed now; the message says why, in French."""


class InvalidRowsRefused(ImportRefused):
    """The dry run found invalid rows and the user did not choose to import only the valid ones."""


def invalid_rows_message(count: int) -> str:
    return _(
        "%(count)s ligne(s) invalide(s) : rien n'a été importé. Corrigez le fichier, ou choisissez "
        "d'importer seulement les lignes valides."
    ) % {"count": count}


def progress_key(record_id: int) -> str:
    return f"ecar:customer-import:{record_id}:progress"


def set_progress(record_id: int, fraction: float | None, rows: int) -> None:
    percent = None if fraction is None else max(0, min(100, int(fraction * 100)))
    cache.set(progress_key(record_id), {"percent": percent, "rows": rows}, PROGRESS_SECONDS)


def progress_of(record: CustomerImport) -> dict:
    """What the progress bar shows: percent (None when unknown), rows read, state, message."""
    running = record.status in RUNNING
    live = cache.get(progress_key(record.pk)) if running else None
    return {
        "status": record.status,
        "status_display": str(record.get_status_display()),
        "running": running,
        "percent": (live or {}).get("percent", 0) if running else 100,
        "rows": (live or {}).get("rows", 0) if running else record.rows,
        "error": record.error,
    }


def start_analysis(*, upload, file_name: str, user) -> CustomerImport:
    """Store the upload as an import waiting for its dry run, queued once the record is committed."""
    from workshop.tasks import analyse_import

    with transaction.atomic():
        record = CustomerImport.objects.create(
            file_name=file_name,
            imported_by=user,
            source=CustomerImport.Source.ADMIN,
            file=upload,
            status=Status.ANALYSING,
        )
        transaction.on_commit(lambda: analyse_import.delay(record.pk))
    return record


def request_import(*, record_id: int, user, skip_invalid: bool) -> CustomerImport:
    """Confirm an analysed import: lock it, check it is still analysed, mark it importing, queue the import."""
    from workshop.tasks import confirm_import

    with transaction.atomic():
        record = CustomerImport.objects.select_for_update().get(pk=record_id)
        if record.status == Status.IMPORTED:
            raise ImportRefused(_("Ce fichier a déjà été importé."))
        if record.status == Status.IMPORTING:
            raise ImportRefused(_("L'import de ce fichier est déjà en cours."))
        if record.status == Status.ANALYSING:
            raise ImportRefused(_("L'analyse de ce fichier n'est pas terminée : attendez la fin de l'aperçu."))
        if record.status == Status.FAILED:
            raise ImportRefused(_("Ce fichier n'a pas pu être lu : envoyez un fichier corrigé."))
        if record.rows_invalid and not skip_invalid:  # known from the dry run: refused now, nothing queued
            raise InvalidRowsRefused(invalid_rows_message(record.rows_invalid))
        record.status = Status.IMPORTING
        record.skip_invalid = skip_invalid
        record.imported_by = user
        record.error = ""
        record.progress = 0
        record.save(update_fields=["status", "skip_invalid", "imported_by", "error", "progress"])
        transaction.on_commit(lambda: confirm_import.delay(record.pk))
    return record


def run_analysis(*, record_id: int) -> None:
    """The queued dry run of an uploaded file."""
    _run(record_id, expected=Status.ANALYSING, dry_run=True)


def run_import(*, record_id: int) -> None:
    """The queued real import of a confirmed file."""
    _run(record_id, expected=Status.IMPORTING, dry_run=False)


def _run(record_id: int, *, expected: str, dry_run: bool) -> None:
    try:
        with transaction.atomic():
            record = CustomerImport.objects.select_for_update().filter(pk=record_id).first()
            if record is None or record.status != expected:
                return  # already done by another worker, or confirmed twice: nothing to do
            _import(record, dry_run=dry_run)
    except Exception:
        logger.exception("customer import %s failed", record_id)
        CustomerImport.objects.filter(pk=record_id, status=expected).update(
            status=Status.FAILED, progress=100, error=_("Erreur inattendue pendant l'import : rien n'a été enregistré.")
        )
    finally:
        cache.delete(progress_key(record_id))


def _import(record: CustomerImport, *, dry_run: bool) -> None:
    rejects = io.StringIO()
    set_progress(record.pk, 0, 0)
    try:
        with record.file.open("rb") as stream:
            report = import_customers(
                stream=stream,
                file_name=record.file_name,
                user=record.imported_by,
                dry_run=dry_run,
                skip_invalid=record.skip_invalid and not dry_run,
                rejects=rejects,
                progress=lambda rows, fraction: set_progress(record.pk, fraction, rows),
                record=record,
                source=record.source,
            )
    except (ImportFileError, OSError) as error:
        message = str(error) if isinstance(error, ImportFileError) else _("Le fichier déposé est introuvable.")
        record.status, record.error, record.progress = Status.FAILED, message, 100
        if record.file and dry_run:
            record.file.delete(save=False)  # a file that cannot be read is not kept
        record.save()
        return
    record.progress = 100
    if report.committed:  # `import_customers` recorded the counts and the « imported » state
        store_rejects(record, rejects, report)
        record.save()
        return
    fill_counts(record, report)
    store_rejects(record, rejects, report)
    record.status = Status.ANALYSED
    record.error = "" if dry_run else invalid_rows_message(report.rows_invalid)
    record.save()


def store_rejects(record: CustomerImport, rejects: io.StringIO, report: ImportReport) -> None:
    if record.rejects_file:
        record.rejects_file.delete(save=False)
    if report.rows_invalid:
        stem = PurePath(record.file_name).stem
        content = ContentFile(("\ufeff" + rejects.getvalue()).encode("utf-8"))
        record.rejects_file.save(f"{stem}-rejets.csv", content, save=False)
