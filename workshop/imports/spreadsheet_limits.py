"""Limits a spreadsheet must respect before anything parses it, so a hostile file cannot exhaust the worker.

An XLSX is a zip of XML parts. A 200 KB file can hold a 200 MB cell (a decompression bomb) or millions of
shared strings, which openpyxl keeps in memory. So, before openpyxl opens the file:

1. `check_xlsx_archive` reads only the zip's central directory and the start of the shared strings: member
   count, declared sizes (total and per part), compression ratio, shared strings count. Milliseconds.
2. `check_xlsx_content` streams every worksheet and the shared strings through expat without keeping them:
   rows, columns (also the `r` references and the declared dimension openpyxl pads rows to), cell length,
   shared strings counted one by one, no DTD or entity, and well-formed XML. Memory stays at one chunk.

Python's zipfile never inflates a member beyond its declared size, so the declared sizes are real bounds.
CSV files are checked row by row while they are read (`check_csv_row`). Every limit is a setting
(see `portal/settings/business.py`, « Import limits »); a refusal names the limit in French and nothing is written.
"""

import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from workshop.imports.spreadsheets import SpreadsheetError

_CHUNK = 256 * 1024
_RATIO_FLOOR_BYTES = 1024 * 1024  # small parts may compress very well without being a bomb
_SHARED_STRINGS = "xl/sharedStrings.xml"
_REFERENCE = re.compile(r"([A-Za-z]{1,3})(\d+)")


class LimitExceeded(SpreadsheetError):
    """The file is refused before parsing: one of the import limits is exceeded."""


@dataclass(frozen=True)
class ImportLimits:
    max_rows: int
    max_columns: int
    max_cell_chars: int
    max_shared_strings: int
    max_uncompressed_bytes: int
    max_part_bytes: int
    max_compression_ratio: int
    max_zip_members: int

    @classmethod
    def from_settings(cls) -> "ImportLimits":
        return cls(
            max_rows=settings.ECAR_IMPORT_MAX_ROWS,
            max_columns=settings.ECAR_IMPORT_MAX_COLUMNS,
            max_cell_chars=settings.ECAR_IMPORT_MAX_CELL_CHARS,
            max_shared_strings=settings.ECAR_IMPORT_MAX_SHARED_STRINGS,
            max_uncompressed_bytes=settings.ECAR_IMPORT_MAX_UNCOMPRESSED_BYTES,
            max_part_bytes=settings.ECAR_IMPORT_MAX_PART_BYTES,
            max_compression_ratio=settings.ECAR_IMPORT_MAX_COMPRESSION_RATIO,
            max_zip_members=settings.ECAR_IMPORT_MAX_ZIP_MEMBERS,
        )


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def refuse(file_name: str, what: str, limit: int, setting: str) -> LimitExceeded:
    return LimitExceeded(
        _(
            "Fichier « %(name)s » refusé : %(what)s dépasse la limite de %(limit)s (réglage %(setting)s). "
            "Rien n'a été importé ; découpez le fichier ou enregistrez-le à nouveau depuis Excel."
        )
        % {"name": file_name, "what": what, "limit": _number(limit), "setting": setting}
    )


def _is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml") and "/_rels/" not in name


def check_xlsx_archive(stream, file_name: str, limits: ImportLimits | None = None) -> None:
    """The zip's directory and declared sizes, and the shared strings' declared count: no XML is parsed."""
    limits = limits or ImportLimits.from_settings()
    stream.seek(0)
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise SpreadsheetError(
            _("Le classeur Excel « %(name)s » est illisible ou endommagé (%(error)s).")
            % {"name": file_name, "error": type(error).__name__}
        ) from None
    with archive:
        members = archive.infolist()
        if len(members) > limits.max_zip_members:
            raise refuse(
                file_name, _("le nombre de parties du classeur"), limits.max_zip_members, "ECAR_IMPORT_MAX_ZIP_MEMBERS"
            )
        total = 0
        for member in members:
            total += member.file_size
            if total > limits.max_uncompressed_bytes:
                raise refuse(
                    file_name,
                    _("la taille décompressée (octets)"),
                    limits.max_uncompressed_bytes,
                    "ECAR_IMPORT_MAX_UNCOMPRESSED_BYTES",
                )
            if not _is_worksheet(member.filename) and member.file_size > limits.max_part_bytes:
                raise refuse(
                    file_name,
                    _("la partie « %(part)s » (octets décompressés)") % {"part": member.filename},
                    limits.max_part_bytes,
                    "ECAR_IMPORT_MAX_PART_BYTES",
                )
            if member.file_size > _RATIO_FLOOR_BYTES:
                ratio = member.file_size / max(member.compress_size, 1)
                if ratio > limits.max_compression_ratio:
                    raise refuse(
                        file_name,
                        _("le taux de compression de « %(part)s » (%(ratio)s pour 1)")
                        % {"part": member.filename, "ratio": _number(int(ratio))},
                        limits.max_compression_ratio,
                        "ECAR_IMPORT_MAX_COMPRESSION_RATIO",
                    )
        if _SHARED_STRINGS in archive.namelist():
            with archive.open(_SHARED_STRINGS) as part:
                head = part.read(4096).decode("utf-8", errors="replace")
            match = re.search(r"<(?:\w+:)?sst\b[^>]*?\buniqueCount=\"(\d+)\"", head) or re.search(
                r"<(?:\w+:)?sst\b[^>]*?\bcount=\"(\d+)\"", head
            )
            if match and int(match.group(1)) > limits.max_shared_strings:
                raise _too_many_strings(file_name, limits)


def _too_many_strings(file_name: str, limits: ImportLimits) -> LimitExceeded:
    return refuse(
        file_name, _("le nombre de textes partagés"), limits.max_shared_strings, "ECAR_IMPORT_MAX_SHARED_STRINGS"
    )


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index


_PREFIXED_ROW = re.compile(rb"<\w+:row[\s>]")
_LAST_ROW_NUMBER = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="(\d+)"')
_PREFIXED_SHARED_STRING = re.compile(rb"<\w+:si[\s>]")
_WIDE_CELL = re.compile(rb' r="([A-Z]{2,3})\d')  # only cell references have letters; rows have numbers
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\sref="([^"]*)"')
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)")


def _count(body: bytes, tag: bytes, prefixed: re.Pattern) -> int:
    """Occurrences of an element, with plain byte counts (fast) unless the producer used namespace prefixes."""
    count = body.count(b"<" + tag + b" ") + body.count(b"<" + tag + b">")
    if b":" + tag in body:
        count += len(prefixed.findall(body))
    return count


class _Scanner:
    """Counts what openpyxl would build in a worksheet or the shared strings, chunk by chunk, at C speed.

    Regular expressions over the raw bytes, not an XML parser: a legitimate 360,000-row sheet is scanned in a
    few seconds and nothing but counters and one chunk is kept. Well-formedness is left to openpyxl, whose
    errors are turned into a clear message while the import's transaction rolls back."""

    def __init__(self, file_name: str, part: str, limits: ImportLimits):
        self.file_name, self.part, self.limits = file_name, part, limits
        self.rows = self.strings = self.run = 0
        self.long_text = re.compile(rb">[^<]{%d,}" % (limits.max_cell_chars + 1))
        self.max_carry = max(_CHUNK, 4 * limits.max_cell_chars + 1024)

    def feed(self, part) -> None:
        carry = b""
        while chunk := part.read(_CHUNK):
            data = carry + chunk
            cut = data.rfind(b"<")
            if cut == -1:  # the middle of one long text
                self._text(data)
                carry = b""
                continue
            body, carry = data[:cut], data[cut:]
            if len(carry) > self.max_carry:  # one tag and its text longer than any allowed cell
                raise self._cell_too_long()
            self._scan(body)

    def _scan(self, body: bytes) -> None:
        limits = self.limits
        first = body.find(b"<")
        if first:  # the end of a text run that started in earlier chunks
            self._text(body if first == -1 else body[:first])
        self.run = 0
        if _DECLARATION.search(body):
            raise SpreadsheetError(
                _(
                    "Le classeur Excel « %(name)s » contient une déclaration XML interdite (DTD ou entité) "
                    "dans « %(part)s »."
                )
                % {"name": self.file_name, "part": self.part}
            )
        for match in self.long_text.finditer(body):
            if len(match.group().decode("utf-8", errors="replace")) - 1 > limits.max_cell_chars:
                raise self._cell_too_long()
        self.rows += _count(body, b"row", _PREFIXED_ROW)
        last = body.rfind(b"<row ")
        numbers = _LAST_ROW_NUMBER.findall(body, max(last, 0)) if last != -1 else []
        if self.rows > limits.max_rows + 1 or (numbers and int(numbers[-1]) > limits.max_rows + 1):
            raise refuse(self.file_name, _("le nombre de lignes"), limits.max_rows, "ECAR_IMPORT_MAX_ROWS")
        self.strings += _count(body, b"si", _PREFIXED_SHARED_STRING)
        if self.strings > limits.max_shared_strings:
            raise _too_many_strings(self.file_name, limits)
        for letters in _WIDE_CELL.findall(body):
            if _column_index(letters.decode()) > limits.max_columns:
                raise self._too_many_columns()
        dimensions = _DIMENSION.findall(body) if b"dimension" in body else ()
        for reference in dimensions:  # declared before the first row
            for corner in reference.decode(errors="replace").split(":"):
                match = _REFERENCE.fullmatch(corner)
                if match and _column_index(match.group(1)) > limits.max_columns:
                    raise self._too_many_columns()
                if match and int(match.group(2)) > limits.max_rows + 1:
                    raise refuse(self.file_name, _("le nombre de lignes"), limits.max_rows, "ECAR_IMPORT_MAX_ROWS")

    def _text(self, data: bytes) -> None:
        """A text run spanning chunks (one huge cell), counted in characters."""
        self.run += len(data.decode("utf-8", errors="replace"))
        if self.run > self.limits.max_cell_chars:
            raise self._cell_too_long()

    def _cell_too_long(self) -> LimitExceeded:
        return refuse(
            self.file_name,
            _("la longueur d'une cellule (caractères)"),
            self.limits.max_cell_chars,
            "ECAR_IMPORT_MAX_CELL_CHARS",
        )

    def _too_many_columns(self) -> LimitExceeded:
        return refuse(self.file_name, _("le nombre de colonnes"), self.limits.max_columns, "ECAR_IMPORT_MAX_COLUMNS")


def check_xlsx_content(stream, file_name: str, limits: ImportLimits | None = None) -> None:
    """Stream the shared strings and every worksheet through expat; refuse at the first limit exceeded."""
    limits = limits or ImportLimits.from_settings()
    stream.seek(0)
    with zipfile.ZipFile(stream) as archive:
        names = [name for name in archive.namelist() if name == _SHARED_STRINGS or _is_worksheet(name)]
        for name in names:
            with archive.open(name) as part:
                try:
                    _Scanner(file_name, name, limits).feed(part)
                except (zipfile.BadZipFile, EOFError, OSError) as error:
                    raise SpreadsheetError(
                        _("Le classeur Excel « %(name)s » est illisible ou endommagé (%(error)s).")
                        % {"name": file_name, "error": type(error).__name__}
                    ) from None
    stream.seek(0)


def check_csv_row(file_name: str, number: int, cells: list[str], limits: ImportLimits) -> None:
    """A CSV is read as a stream: each row is checked before it is used."""
    if number > limits.max_rows + 1:
        raise refuse(file_name, _("le nombre de lignes"), limits.max_rows, "ECAR_IMPORT_MAX_ROWS")
    if len(cells) > limits.max_columns:
        raise refuse(file_name, _("le nombre de colonnes"), limits.max_columns, "ECAR_IMPORT_MAX_COLUMNS")
    for cell in cells:
        if len(cell) > limits.max_cell_chars:
            raise refuse(
                file_name,
                _("la longueur d'une cellule (caractères, ligne %(row)s)") % {"row": number},
                limits.max_cell_chars,
                "ECAR_IMPORT_MAX_CELL_CHARS",
            )
