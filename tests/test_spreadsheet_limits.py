"""Hostile files are refused before openpyxl parses them, with a French message naming the limit.

The bombs come from the recipes in tests/corpus/files.py, built at test time. Time and memory of a refusal are
measured in bench/hostile_files.py, not here."""

import io
import zipfile
from unittest import mock

import pytest

from tests.corpus import files
from workshop.imports.spreadsheet_limits import LimitExceeded, check_xlsx_archive
from workshop.imports.spreadsheets import SpreadsheetError, open_table


def read(data: bytes, name: str = "clients.xlsx") -> list:
    table = open_table(io.BytesIO(data), name)
    return [table.headers, *[cells for _number, cells in table.rows]]


def refusal(data: bytes, name: str = "clients.xlsx") -> str:
    with pytest.raises(SpreadsheetError) as caught:
        read(data, name)
    return str(caught.value)


def test_a_valid_workbook_passes_the_checks():
    assert read(files.workbook()) == [files.HEADER, ["Ben Salah", "20 123 456", "123 TU 4567", "Peugeot"]]


def test_a_cell_bomb_is_refused_by_its_compression_ratio_without_openpyxl():
    data = files.cell_bomb(megabytes=100)
    assert len(data) < 300_000
    with mock.patch("openpyxl.load_workbook") as load:
        message = refusal(data)
    load.assert_not_called()
    assert "taux de compression" in message and "ECAR_IMPORT_MAX_COMPRESSION_RATIO" in message
    assert "limite de 100" in message and "Rien n'a été importé" in message


def test_declared_sizes_bound_the_whole_archive(settings):
    settings.ECAR_IMPORT_MAX_UNCOMPRESSED_BYTES = 10_000
    message = refusal(files.sheet_xml(files.rows_xml(200)))
    assert "taille décompressée" in message and "ECAR_IMPORT_MAX_UNCOMPRESSED_BYTES" in message


def test_a_non_sheet_part_loaded_whole_by_openpyxl_is_bounded(settings):
    settings.ECAR_IMPORT_MAX_PART_BYTES = 500  # styles.xml of an openpyxl workbook is bigger
    assert "ECAR_IMPORT_MAX_PART_BYTES" in refusal(files.workbook())


def test_shared_strings_declared_count_is_refused_before_reading_them(settings):
    settings.ECAR_IMPORT_MAX_SHARED_STRINGS = 1000
    data = files.shared_strings_bomb(count=1001)
    with (
        mock.patch("workshop.imports.spreadsheet_limits.check_xlsx_content") as content,
        pytest.raises(LimitExceeded) as caught,
    ):
        check_xlsx_archive(io.BytesIO(data), "clients.xlsx")
    content.assert_not_called()
    assert "textes partagés" in str(caught.value) and "limite de 1\u202f000" in str(caught.value)


def test_shared_strings_are_counted_when_the_file_lies_about_their_number(settings):
    settings.ECAR_IMPORT_MAX_SHARED_STRINGS = 1000
    assert "ECAR_IMPORT_MAX_SHARED_STRINGS" in refusal(files.shared_strings_bomb(count=1001, declared=1))
    assert read(files.shared_strings_bomb(count=1000, declared=1))[1][0] == "0"


def test_rows_are_limited(settings):
    settings.ECAR_IMPORT_MAX_ROWS = 20
    assert len(read(files.sheet_xml(files.rows_xml(20)))) == 21
    assert "nombre de lignes" in refusal(files.sheet_xml(files.rows_xml(21)))


def test_a_row_number_far_down_the_sheet_is_refused(settings):
    settings.ECAR_IMPORT_MAX_ROWS = 20
    body = files.rows_xml(1) + '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    assert "ECAR_IMPORT_MAX_ROWS" in refusal(files.sheet_xml(body))


@pytest.mark.parametrize(
    "sheet",
    [
        files.sheet_xml(files.rows_xml(1, width=201)),
        files.sheet_xml(files.rows_xml(1) + '<row r="3"><c r="XFD3" t="inlineStr"><is><t>x</t></is></c></row>'),
        files.sheet_xml(files.rows_xml(1), dimension="A1:XFD2"),
    ],
    ids=["201-columns", "far-cell", "declared-dimension"],
)
def test_columns_are_limited_also_by_references_and_the_declared_dimension(sheet):
    assert "nombre de colonnes" in refusal(sheet) and "limite de 200" in refusal(sheet)


def test_cell_length_is_counted_in_characters(settings):
    settings.ECAR_IMPORT_MAX_CELL_CHARS = 100

    def with_cell(text):
        return files.sheet_xml(
            files.rows_xml(1) + f'<row r="3"><c r="A3" t="inlineStr"><is><t>{text}</t></is></c></row>'
        )

    assert read(with_cell("é" * 100))[2][0] == "é" * 100  # 200 bytes, 100 characters: allowed
    assert "longueur d'une cellule" in refusal(with_cell("é" * 101))


def test_a_cell_longer_than_a_read_chunk_is_refused(settings):
    settings.ECAR_IMPORT_MAX_CELL_CHARS = 1000
    message = refusal(
        files.sheet_xml(
            files.rows_xml(1) + '<row r="3"><c r="A3" t="inlineStr"><is><t>' + "x" * 600_000 + "</t></is></c></row>"
        )
    )
    assert "ECAR_IMPORT_MAX_CELL_CHARS" in message


def test_entity_expansion_is_refused():
    assert "DTD ou entité" in refusal(files.entity_expansion())


def test_malformed_sheet_xml_is_a_clear_message_not_a_parse_error():
    """Finding 13: the XML error surfaced as ParseError (a 500 in the admin, a traceback in the command)."""
    message = refusal(files.broken_sheet_xml())
    assert "illisible ou endommagé" in message and "clients.xlsx" in message


def test_not_a_zip_is_refused():
    assert "illisible ou endommagé" in refusal(b"PK\x03\x04 not really a zip" * 10)


def test_too_many_zip_members_are_refused(settings):
    settings.ECAR_IMPORT_MAX_ZIP_MEMBERS = 5
    assert "ECAR_IMPORT_MAX_ZIP_MEMBERS" in refusal(files.workbook())


# --- CSV -------------------------------------------------------------------------------------------


def csv_bytes(rows) -> bytes:
    return "\r\n".join(";".join(row) for row in rows).encode("utf-8")


def test_csv_rows_columns_and_cell_length_are_limited(settings):
    settings.ECAR_IMPORT_MAX_ROWS = 3
    settings.ECAR_IMPORT_MAX_COLUMNS = 4
    settings.ECAR_IMPORT_MAX_CELL_CHARS = 10
    header = ["Nom", "Téléphone"]
    assert len(read(csv_bytes([header, *[["a", "20123456"]] * 3]), "c.csv")) == 4
    assert "nombre de lignes" in refusal(csv_bytes([header, *[["a", "20123456"]] * 4]), "c.csv")
    assert "nombre de colonnes" in refusal(csv_bytes([header, ["a"] * 5]), "c.csv")
    assert "nombre de colonnes" in refusal(csv_bytes([header * 3]), "c.csv")
    message = refusal(csv_bytes([header, ["a" * 11, "20123456"]]), "c.csv")
    assert "longueur d'une cellule" in message and "ligne 2" in message


@pytest.mark.parametrize("name", sorted(files.GARBAGE_CSV))
def test_garbage_csv_is_refused_or_read_never_crashes(name):
    try:
        read(files.GARBAGE_CSV[name], name)
    except SpreadsheetError as error:
        assert name in str(error)


def test_recipes_build_what_they_claim():
    bomb = zipfile.ZipFile(io.BytesIO(files.cell_bomb(megabytes=50)))
    assert bomb.getinfo(files.SHEET).file_size > 50 * 1024 * 1024
