"""Hostile spreadsheets, generated at test time from recipes (no big file is committed).

Each recipe returns the bytes of a file as an attacker or a broken export tool would send it.
"""

import io
import zipfile

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

SHEET = "xl/worksheets/sheet1.xml"
SHARED = "xl/sharedStrings.xml"
HEADER = ["Nom", "Téléphone", "Immatriculation", "Marque"]
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def workbook(rows=(("Ben Salah", "20 123 456", "123 TU 4567", "Peugeot"),), header=HEADER) -> bytes:
    """A valid XLSX written by openpyxl."""
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _replace(parts: dict[str, object], base: bytes | None = None) -> bytes:
    """`base` with some parts replaced; a part is bytes or an iterable of byte chunks (streamed, never joined)."""
    source = zipfile.ZipFile(io.BytesIO(base or workbook()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        names = source.namelist() + [name for name in parts if name not in source.namelist()]
        for name in names:
            content = parts.get(name, source.read(name) if name in source.namelist() else b"")
            if isinstance(content, bytes):
                target.writestr(name, content)
            else:
                with target.open(name, "w", force_zip64=True) as part:
                    for chunk in content:
                        part.write(chunk)
    if SHARED in parts and "sharedStrings" not in source.read("[Content_Types].xml").decode():
        return _with_shared_strings_declared(buffer.getvalue())
    return buffer.getvalue()


def _with_shared_strings_declared(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                    b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
                )
            target.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buffer.getvalue()


def _inline_row(number: int, values) -> bytes:
    cells = "".join(
        f'<c r="{get_column_letter(index + 1)}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
        for index, value in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'.encode()


def cell_bomb(megabytes: int = 200) -> bytes:
    """One cell of `megabytes` MB of the same letter: a few hundred KB zipped (the 206 KB / 200 MB attack)."""

    def chunks():
        yield (_SHEET_HEAD + "<sheetData>").encode() + _inline_row(1, HEADER)
        yield b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
        block = b"A" * (1024 * 1024)
        for _ in range(megabytes):
            yield block
        yield b"</t></is></c></row></sheetData></worksheet>"

    return _replace({SHEET: chunks()})


def shared_strings_bomb(count: int = 3_000_000, declared: int | None = None) -> bytes:
    """`count` distinct shared strings; `declared` is the count the file claims (an attacker lies)."""
    declared = count if declared is None else declared

    def chunks():
        yield (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{declared}" uniqueCount="{declared}">'
        ).encode()
        batch = []
        for index in range(count):
            batch.append(f"<si><t>{index}</t></si>")
            if len(batch) == 10_000:
                yield "".join(batch).encode()
                batch = []
        yield "".join(batch).encode() + b"</sst>"

    sheet = (_SHEET_HEAD + "<sheetData>").encode() + _inline_row(1, HEADER)
    sheet += b'<row r="2"><c r="A2" t="s"><v>0</v></c></row></sheetData></worksheet>'
    return _replace({SHARED: chunks(), SHEET: sheet})


def sheet_xml(body: str, dimension: str | None = None) -> bytes:
    """A workbook whose first sheet's XML is `body` (inside <sheetData>), as a hand-made tool would write it."""
    head = _SHEET_HEAD + (f'<dimension ref="{dimension}"/>' if dimension else "")
    return _replace({SHEET: (head + "<sheetData>" + body + "</sheetData></worksheet>").encode()})


def rows_xml(count: int, width: int = 4) -> str:
    """`count` rows after the header, `width` inline cells each."""
    rows = [_inline_row(1, HEADER[:width] + [f"C{i}" for i in range(len(HEADER), width)]).decode()]
    rows += [_inline_row(n, [f"v{n}"] * width).decode() for n in range(2, count + 2)]
    return "".join(rows)


def broken_sheet_xml() -> bytes:
    """A valid zip whose sheet XML stops in the middle of a tag (finding 13)."""
    good = zipfile.ZipFile(io.BytesIO(workbook())).read(SHEET)
    return _replace({SHEET: good[: len(good) // 2] + b"<row r="})


def entity_expansion() -> bytes:
    """The billion laughs: a DTD with nested entities inside the sheet XML."""
    lol = "".join(f'<!ENTITY l{i} "&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};">' for i in range(1, 10))
    sheet = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY l0 "lol">' + lol + "]>"
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row></sheetData></worksheet>'
    )
    return _replace({SHEET: sheet.encode()})


GARBAGE_CSV = {
    "utf16.csv": "Nom;Téléphone\r\nBen Salah;20 123 456\r\n".encode("utf-16"),
    "binary.csv": bytes(range(256)) * 64,
    "nul-in-text.csv": b"Nom;T\xc3\xa9l\xc3\xa9phone\r\nBen\x00Salah;20123456\r\n",
    "xlsx-named-csv.csv": b"PK\x03\x04" + b"\x00" * 100,
    "only-bom.csv": b"\xef\xbb\xbf",
    "cp1252-with-controls.csv": b"Nom;T\xe9l\xe9phone\r\n\x1b[31mBen\x07;20 123 456\r\n",
}
"""CSV files that are not what they claim: each must be refused or read without a 500, never half-imported."""
