"""Import customers and their cars from a garage's spreadsheet, the same way from the admin and the shell.

One row is one car with its owner. Every value goes through the validators the admin uses. A customer is the
same customer when the normalised phone matches (the e-mail when there is no phone); a car when the normalised
plate or VIN matches; so importing the same file twice changes nothing. The whole file runs in one transaction:
by default any invalid row rolls everything back, `skip_invalid` keeps the valid rows, `dry_run` always rolls
back (the preview is the real import, undone). Rows are read as a stream and written in batches, with one
look-up per batch for existing customers and cars, and audit history written by the bulk writes.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TextIO

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workshop.collector import fewer_collections
from workshop.imports.bulk_writes import insert_with_history, update_with_history
from workshop.imports.columns import CAR_COLUMNS, REJECTS_COLUMN, column_label, match_headers
from workshop.imports.rows import CAR_FIELDS, CUSTOMER_FIELDS, RowResolver
from workshop.imports.spreadsheets import SpreadsheetError, csv_row, csv_writer, open_table
from workshop.models import Car, Customer, CustomerImport

BATCH_SIZE = 1000
PREVIEW_LIMIT = 100
ERROR_LIMIT = 1000


IMPORT_LOCK_KEY = 0x45434152_494D5054  # "ECARIMPT": one PostgreSQL advisory lock serialises imports


class ImportFileError(SpreadsheetError):
    """The file cannot be imported at all (format, encoding, missing columns): nothing was read into the database."""


class ImportConflict(ImportFileError):
    """Someone else wrote the same customers or cars while this import ran: it was rolled back whole."""


def serialise_imports() -> None:
    """Wait for any other import (or dry run) to finish, until the current transaction ends.

    Two imports of the same file then run one after the other: the second finds the first's customers and
    reports them unchanged instead of failing on the unique indexes. SQLite serialises writers by itself."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    """What an import did (or, for a dry run or a refused import, would have done)."""

    file_name: str = ""
    dry_run: bool = False
    skip_invalid: bool = False
    committed: bool = False
    rows: int = 0
    rows_new: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_invalid: int = 0
    customers_created: int = 0
    customers_updated: int = 0
    cars_created: int = 0
    cars_updated: int = 0
    columns: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)

    @property
    def updated(self) -> int:
        return self.customers_updated + self.cars_updated

    @property
    def errors_truncated(self) -> bool:
        return self.rows_invalid > 0 and len({e.row for e in self.errors}) < self.rows_invalid

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ImportReport":
        values = dict(data)
        values["errors"] = [RowError(**error) for error in values.get("errors", [])]
        known = cls.__dataclass_fields__
        return cls(**{key: value for key, value in values.items() if key in known})


def required_columns_missing(mapping: dict[str, int]) -> list[str]:
    """A row must name its customer (Nom or Société) and say how to reach them (Téléphone or Email)."""
    missing = []
    if "last_name" not in mapping and "company_name" not in mapping:
        missing.append(f"{column_label('last_name')} / {column_label('company_name')}")
    if "phone" not in mapping and "email" not in mapping:
        missing.append(f"{column_label('phone')} / {column_label('email')}")
    if any(name in mapping for name in CAR_COLUMNS) and "plate" not in mapping:
        missing.append(column_label("plate"))
    return missing


def import_customers(
    *,
    stream,
    file_name: str,
    user=None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    rejects: TextIO | None = None,
    progress: Callable[[int, float | None], None] | None = None,
    record: CustomerImport | None = None,
    source: str = CustomerImport.Source.COMMAND,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Import a CSV or XLSX file of customers and cars; see the module docstring for the rules.

    `rejects` receives the invalid rows as a `;` CSV (original columns plus « Erreurs ») to fix and re-import.
    `record` is the admin's analysed import to complete; without it a committed import creates its own record.
    Raises ImportFileError when the file cannot be read or lacks required columns.
    """
    try:
        table = open_table(stream, file_name)
    except SpreadsheetError as error:
        raise ImportFileError(str(error)) from None
    mapping, unknown, duplicated = match_headers(table.headers)
    if duplicated:
        raise ImportFileError(
            _("Colonnes en double : %(columns)s. Gardez une seule colonne par information.")
            % {"columns": ", ".join(f"« {h} »" for h in duplicated)}
        )
    missing = required_columns_missing(mapping)
    if missing:
        raise ImportFileError(
            _("Colonnes obligatoires absentes : %(missing)s. Colonnes trouvées : %(found)s.")
            % {
                "missing": ", ".join(f"« {m} »" for m in missing),
                "found": ", ".join(f"« {h} »" for h in table.headers if h) or "—",
            }
        )
    report = ImportReport(
        file_name=file_name,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        columns=[table.headers[index] for index in sorted(mapping.values())],
        unknown_columns=unknown,
    )
    headers = {name: table.headers[index] for name, index in mapping.items()}
    rejects_writer = _RejectsWriter(rejects, table.headers) if rejects is not None else None
    reason = _("Import du fichier « %(name)s »") % {"name": file_name}
    try:
        with fewer_collections(), transaction.atomic():
            serialise_imports()
            resolver = RowResolver(mapping=mapping, headers=headers)
            batch: list[tuple[int, list[str]]] = []
            for number, cells in table.rows:
                if not any(cells):
                    continue
                batch.append((number, cells))
                if len(batch) >= batch_size:
                    _run_batch(resolver, batch, report, rejects_writer, user, reason)
                    batch = []
                    if progress:
                        progress(report.rows, table.progress())
            if batch:
                _run_batch(resolver, batch, report, rejects_writer, user, reason)
            if progress:
                progress(report.rows, 1.0)
            report.committed = not dry_run and (skip_invalid or report.rows_invalid == 0)
            if report.committed:
                _record(report, record=record, user=user, source=source)
            else:
                transaction.set_rollback(True)
    except SpreadsheetError as error:
        raise ImportFileError(str(error)) from None
    except IntegrityError:
        raise ImportConflict(
            _(
                "Des clients ou véhicules de « %(name)s » ont été enregistrés par quelqu'un d'autre pendant l'import : "
                "rien n'a été enregistré. Relancez l'import : les lignes déjà présentes seront reconnues."
            )
            % {"name": file_name}
        ) from None
    return report


def _run_batch(resolver: RowResolver, batch, report: ImportReport, rejects_writer, user, reason: str) -> None:
    outcomes = resolver.resolve_batch(batch)
    for outcome in outcomes:
        report.rows += 1
        if outcome.errors:
            report.rows_invalid += 1
            for column, message in outcome.errors:
                if len(report.errors) < ERROR_LIMIT:
                    report.errors.append(RowError(row=outcome.row, column=column, message=message))
            if rejects_writer:
                rejects_writer.write(outcome.cells, outcome.errors)
        else:
            setattr(report, f"rows_{outcome.kind}", getattr(report, f"rows_{outcome.kind}") + 1)
        if len(report.preview) < PREVIEW_LIMIT:
            report.preview.append(outcome.summary())
    _flush(resolver, report, user, reason)


def _flush(resolver: RowResolver, report: ImportReport, user, reason: str) -> None:
    """Write the batch: new customers first (their cars need their ids), then cars; history for every row."""
    now = timezone.now()
    pending = resolver.take_pending()
    if pending.new_customers:
        insert_with_history(pending.new_customers, Customer, user=user, reason=reason)
    if pending.changed_customers:
        for customer in pending.changed_customers:
            customer.updated_at = now
        update_with_history(
            pending.changed_customers, Customer, fields=[*CUSTOMER_FIELDS, "updated_at"], user=user, reason=reason
        )
    for car in (*pending.new_cars, *pending.changed_cars):
        if car.owner_id is None:  # owner created just above: take its new id (the owner is cached, no query)
            car.owner_id = car.owner.pk
    if pending.new_cars:
        insert_with_history(pending.new_cars, Car, user=user, reason=reason)
    if pending.changed_cars:
        for car in pending.changed_cars:
            car.updated_at = now
        update_with_history(
            pending.changed_cars, Car, fields=[*CAR_FIELDS, "owner", "updated_at"], user=user, reason=reason
        )
    report.customers_created += len(pending.new_customers)
    report.customers_updated += len(pending.changed_customers)
    report.cars_created += len(pending.new_cars)
    report.cars_updated += len(pending.changed_cars)


def _record(report: ImportReport, *, record: CustomerImport | None, user, source: str) -> CustomerImport:
    record = record or CustomerImport(file_name=report.file_name, source=source)
    record.status = CustomerImport.Status.IMPORTED
    record.imported_by = user if user is not None and user.pk else None
    record.imported_at = timezone.now()
    record.skip_invalid = report.skip_invalid
    fill_counts(record, report)
    record.save()
    return record


def fill_counts(record: CustomerImport, report: ImportReport) -> None:
    record.rows = report.rows
    record.rows_invalid = report.rows_invalid
    record.rows_unchanged = report.rows_unchanged
    record.customers_created = report.customers_created
    record.customers_updated = report.customers_updated
    record.cars_created = report.cars_created
    record.cars_updated = report.cars_updated
    record.report = report.as_dict()


class _RejectsWriter:
    """The invalid rows as they were typed, plus the reasons: fix them in Excel and import this file again."""

    def __init__(self, stream: TextIO, headers: list[str]):
        self.writer = csv_writer(stream)
        self.width = len(headers)
        self.writer.writerow(csv_row([*headers, str(REJECTS_COLUMN)]))

    def write(self, cells: list[str], errors: list[tuple[str, str]]) -> None:
        padded = (cells + [""] * self.width)[: self.width]
        reasons = " | ".join(f"{column} : {message}" if column else message for column, message in errors)
        self.writer.writerow(csv_row([*padded, reasons]))
