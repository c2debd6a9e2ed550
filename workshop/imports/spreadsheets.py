"""Read and write the spreadsheets garages and accountants use: CSV (`,` or `;`, UTF-8 or Windows-1252) and XLSX.

Reading streams: a CSV is decoded line by line, an XLSX is opened read-only, so a 100,000-row file never sits
in memory. Writing gives accountants real numbers (3 decimals) and real dates, not text.
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath

from django.utils import timezone
from django.utils.translation import gettext as _

READABLE_EXTENSIONS = (".csv", ".xlsx")
_SNIFF_BYTES = 64 * 1024
_CHUNK_BYTES = 1024 * 1024
MONEY_FORMAT = "#,##0.000"
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"


class SpreadsheetError(Exception):
    """The file as a whole cannot be read; the message says why, in French, for the person who sent it."""


@dataclass
class Table:
    """A header row and a lazy stream of (spreadsheet row number, cells as stripped strings)."""

    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]
    progress: callable = field(default=lambda: None)  # fraction of the file read, or None when unknown


def open_table(stream, file_name: str) -> Table:
    """Open an uploaded or local file (binary, seekable) by its extension."""
    if precheck(stream, file_name) == ".xlsx":
        return _open_xlsx(stream, file_name)
    return _open_csv(stream, file_name)


def precheck(stream, file_name: str) -> str:
    """What can be refused in milliseconds, before the file is stored or queued: extension, emptiness, an XLSX
    named .csv, and an XLSX's zip directory against the import limits. Returns the extension."""
    extension = PurePath(file_name or "").suffix.lower()
    if extension not in READABLE_EXTENSIONS:
        raise SpreadsheetError(
            _("Format de fichier non pris en charge : « %(name)s ». Envoyez un fichier CSV (.csv) ou Excel (.xlsx).")
            % {"name": file_name}
        )
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if not head:
        raise SpreadsheetError(_("Le fichier « %(name)s » est vide.") % {"name": file_name})
    if extension == ".xlsx":
        from workshop.imports.spreadsheet_limits import check_xlsx_archive

        check_xlsx_archive(stream, file_name)
        stream.seek(0)
    elif head.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(
            _("« %(name)s » est un classeur Excel nommé .csv : renommez-le en .xlsx ou enregistrez-le en CSV.")
            % {"name": file_name}
        )
    return extension


def _detect_encoding(stream, file_name: str) -> str:
    """UTF-8 (with or without BOM) when every byte decodes, else Windows-1252 (what French Excel writes)."""
    stream.seek(0)
    if stream.read(3) == codecs.BOM_UTF8:
        stream.seek(0)
        return "utf-8-sig"
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := stream.read(_CHUNK_BYTES):
            if b"\x00" in chunk:
                raise SpreadsheetError(
                    _("« %(name)s » n'est pas un fichier texte CSV (UTF-8 ou Windows-1252).") % {"name": file_name}
                )
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        encoding = "utf-8"
    except UnicodeDecodeError:
        encoding = "cp1252"
    stream.seek(0)
    return encoding


def _sniff_delimiter(sample: str) -> str:
    header = sample.splitlines()[0] if sample else ""
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        counts = {delimiter: header.count(delimiter) for delimiter in ";,\t"}
        return max(counts, key=counts.get) if any(counts.values()) else ";"


def _open_csv(stream, file_name: str) -> Table:
    from workshop.imports.spreadsheet_limits import ImportLimits, check_csv_row

    limits = ImportLimits.from_settings()
    encoding = _detect_encoding(stream, file_name)
    size = _size_of(stream)
    sample = stream.read(_SNIFF_BYTES)
    stream.seek(0)
    try:
        text_sample = sample.decode(encoding, errors="ignore")
    except LookupError:  # pragma: no cover - both encodings exist
        text_sample = ""
    delimiter = _sniff_delimiter(text_sample)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="", errors="strict")
    reader = csv.reader(text, delimiter=delimiter)
    try:
        headers = next(reader)
    except StopIteration:
        raise SpreadsheetError(_("Le fichier « %(name)s » est vide.") % {"name": file_name}) from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise SpreadsheetError(
            _("Le fichier « %(name)s » est illisible : %(error)s") % {"name": file_name, "error": error}
        ) from None
    check_csv_row(file_name, 1, headers, limits)

    def rows():
        try:
            # The spreadsheet's row number counts records, not lines: a cell may hold a line break.
            for number, cells in enumerate(reader, start=2):
                check_csv_row(file_name, number, cells, limits)
                if any(cell.strip() for cell in cells):
                    yield number, [clean_cell(cell) for cell in cells]
        except (UnicodeDecodeError, csv.Error) as error:
            raise SpreadsheetError(
                _("Le fichier « %(name)s » est illisible vers la ligne %(line)s : %(error)s")
                % {"name": file_name, "line": reader.line_num + 1, "error": error}
            ) from None
        finally:
            text.detach()

    def progress():
        return min(stream.tell() / size, 1.0) if size else None

    return Table(headers=[h.strip() for h in headers], rows=rows(), progress=progress)


def _size_of(stream) -> int:
    position = stream.tell()
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(position)
    return size


def cell_text(value) -> str:
    """An Excel cell as the text a person would have typed: 20123456.0 -> `20123456`, dates as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return clean_cell(str(value))


_XLSX_ERRORS = (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError, TypeError, EOFError, SyntaxError)
"""What openpyxl raises on a damaged workbook (xml.etree's ParseError is a SyntaxError)."""


def _damaged(file_name: str, error: Exception) -> SpreadsheetError:
    return SpreadsheetError(
        _("Le classeur Excel « %(name)s » est illisible ou endommagé (%(error)s).")
        % {"name": file_name, "error": type(error).__name__}
    )


def _open_xlsx(stream, file_name: str) -> Table:
    """Checked against the import limits before openpyxl reads a byte of it (workshop.imports.spreadsheet_limits)."""
    from openpyxl import load_workbook

    from workshop.imports.spreadsheet_limits import check_xlsx_content

    check_xlsx_content(stream, file_name)  # the archive itself was checked by `precheck`
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        total = sheet.max_row
        rows_iter = sheet.iter_rows(values_only=True)
        first = next(rows_iter, None)
    except _XLSX_ERRORS as error:
        raise _damaged(file_name, error) from None
    if first is None:
        workbook.close()
        raise SpreadsheetError(_("Le fichier « %(name)s » est vide.") % {"name": file_name})
    headers = [cell_text(value) for value in first]
    state = {"row": 1}

    def rows():
        try:
            for number, values in enumerate(rows_iter, start=2):
                state["row"] = number
                cells = [cell_text(value) for value in values]
                if any(cells):
                    yield number, cells
        except _XLSX_ERRORS as error:
            raise _damaged(file_name, error) from None
        finally:
            workbook.close()

    def progress():
        return min(state["row"] / total, 1.0) if total else None

    return Table(headers=headers, rows=rows(), progress=progress)


# --- Writing -------------------------------------------------------------------------------------
# Every CSV and XLSX the portal writes (list exports, accounting, reports, import rejects) goes through
# `write_csv` / `write_xlsx` / `csv_row` below, so text that a spreadsheet would run as a formula is neutralised
# in one place per format. Numbers, dates and booleans are written as values and never touched.

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _is_value(value) -> bool:
    return isinstance(value, int | float | Decimal | date | datetime) or value is None


def neutralise_text(text: str) -> str:
    """`=HYPERLINK(...)`, `+cmd|...`, `@SUM(1)`, `-2+3` become inert text: prefixed with `'`, as Excel does."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def unneutralise_text(text: str) -> str:
    """Undo `neutralise_text`, so a rejects file or an export can be imported back unchanged."""
    return text[1:] if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_TRIGGERS) else text


_CONTROL_CHARACTERS = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 127])


def clean_cell(text: str) -> str:
    """A cell as it will be stored: no control characters (terminal escapes, bells, NUL), no surrounding spaces,
    and without the `'` an export put before text that looked like a formula."""
    return unneutralise_text(text.translate(_CONTROL_CHARACTERS).strip())


def _native(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return value


def _csv_text(value, *, exact_decimals: bool = False) -> str:
    """French Excel reads `1234,500` as a number and `31/01/2026` as a date; text is neutralised."""
    value = _native(value)
    if value is None:
        return ""
    if isinstance(value, bool):  # before int: a bool is one, and `False` means nothing to a French reader
        return _("Oui") if value else _("Non")
    if isinstance(value, Decimal):
        return (f"{value:f}" if exact_decimals else f"{value:.3f}").replace(".", ",")
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int | float):
        return str(value).replace(".", ",")
    return neutralise_text(str(value))


def csv_row(row, *, exact_decimals: bool = False) -> list[str]:
    """One row's cells as safe CSV text: numbers with a decimal comma (`-12,500` stays a number), text neutralised.

    Amounts get 3 decimals; `exact_decimals` keeps each Decimal's own places (hours, quantities in reports)."""
    return [_csv_text(value, exact_decimals=exact_decimals) for value in row]


def csv_writer(stream):
    """The `;` CSV dialect of every file the portal writes; write rows through `csv_row`."""
    return csv.writer(stream, delimiter=";", lineterminator="\r\n")


def write_csv(headers, rows, *, exact_decimals: bool = False) -> bytes:
    """`;`-separated UTF-8 with a BOM: what French Excel and bookkeeping software open without a wizard."""
    return b"".join(stream_csv(headers, rows, exact_decimals=exact_decimals))


def stream_csv(headers, rows, *, exact_decimals: bool = False, rows_per_chunk: int = 1000) -> Iterator[bytes]:
    """`write_csv` a chunk at a time, for a `StreamingHttpResponse`: the first bytes leave while the rows are
    still read, and the file never sits whole in memory. `rows` may be a generator."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(csv_row(headers))
    pending = 0
    yield codecs.BOM_UTF8 + _drain(buffer)
    for row in rows:
        writer.writerow(csv_row(row, exact_decimals=exact_decimals))
        pending += 1
        if pending == rows_per_chunk:
            pending = 0
            yield _drain(buffer)
    if pending:
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


def _xlsx_cell(sheet, value, *, bold=None):
    """A typed cell; text is always a string cell (never a formula) and `'`-prefixed when it starts like one."""
    from openpyxl.cell import WriteOnlyCell

    value = _native(value)
    if not _is_value(value):
        value = neutralise_text(str(value))
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would otherwise store any text starting with "=" as a formula
    elif isinstance(value, Decimal):
        cell.number_format = MONEY_FORMAT
    elif isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    if bold is not None:
        cell.font = bold
    return cell


def write_xlsx(sheets, *, column_widths: bool = False) -> bytes:
    """`sheets`: (title, headers, rows). Amounts become numbers shown with 3 decimals, dates real dates.

    `column_widths` sizes each column to its header and freezes the header row (report exports)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title=neutralise_text(str(title))[:31])
        headers = [str(header) for header in headers]
        if column_widths:
            for index, header in enumerate(headers, start=1):
                sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) + 2)
            sheet.freeze_panes = "A2"
        sheet.append([_xlsx_cell(sheet, header, bold=bold) for header in headers])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
