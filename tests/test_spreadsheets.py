"""Reading garage files and writing accountant files."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests import factories as f
from workshop.imports.columns import header_key, match_headers
from workshop.imports.spreadsheets import SpreadsheetError, cell_text, open_table, write_csv, write_xlsx


def read(data: bytes, name="f.csv"):
    table = open_table(io.BytesIO(data), name)
    return table.headers, list(table.rows)


def test_csv_sniffs_the_delimiter_and_keeps_spreadsheet_row_numbers():
    headers, rows = read(b'Nom,Ville\r\nA,Tunis\r\n\r\nB,"Sfax, centre"\r\n')
    assert headers == ["Nom", "Ville"]
    assert rows == [(2, ["A", "Tunis"]), (4, ["B", "Sfax, centre"])]


def test_quoted_multiline_cell_keeps_the_following_row_numbers_true():
    _headers, rows = read(b'Nom;Adresse\r\nA;"1 rue\r\nbis"\r\nB;x\r\n')
    assert rows == [(2, ["A", "1 rue\r\nbis"]), (3, ["B", "x"])]


def test_utf8_late_in_a_big_file_is_not_mistaken_for_windows_1252():
    data = ("Nom;Ville\r\n" + "A;Tunis\r\n" * 200_000 + "Bélaïd;Gabès\r\n").encode("utf-8")
    _headers, rows = read(data)
    assert rows[-1][1] == ["Bélaïd", "Gabès"]


def test_xlsx_numbers_read_as_typed_text():
    assert cell_text(20123456.0) == "20123456"
    assert cell_text(12.5) == "12.5"
    assert cell_text(datetime(2026, 1, 2)) == "02/01/2026"
    headers, rows = read(f.garage_xlsx([f.garage_row(1)], typed=True), "f.xlsx")
    assert rows[0][0] == 2 and rows[0][1][3] == "20000001"


def test_a_progress_fraction_is_known_for_both_formats():
    for data, name in ((f.garage_csv([f.garage_row(1)]), "f.csv"), (f.garage_xlsx([f.garage_row(1)]), "f.xlsx")):
        table = open_table(io.BytesIO(data), name)
        list(table.rows)
        assert table.progress() == 1.0


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf"])
def test_empty_files_are_refused(data):
    with pytest.raises(SpreadsheetError, match="vide"):
        read(data)


def test_header_keys_ignore_case_accents_and_spacing():
    assert header_key("  Matricule  Fiscal ") == "matriculefiscal"
    assert header_key("TÉLÉPHONE") == "telephone"
    assert header_key("N° de châssis") == "ndechassis"
    mapping, unknown, duplicated = match_headers(["Téléphone", "Couleur", "phone", "Erreurs", ""])
    assert mapping == {"phone": 0} and unknown == ["Couleur"] and duplicated == ["phone"]


def test_csv_writing_is_french_excel_friendly():
    moment = timezone.make_aware(datetime(2026, 1, 2, 23, 30), timezone.get_fixed_timezone(0))
    data = write_csv(["Montant", "Date", "Quand", "Vide"], [[Decimal("1234.5"), date(2026, 1, 31), moment, None]])
    assert data.decode("utf-8") == "\ufeffMontant;Date;Quand;Vide\r\n1234,500;31/01/2026;03/01/2026 00:30;\r\n"


def test_xlsx_writing_types_the_cells():
    data = write_xlsx([("Feuille", ["Montant", "Date"], [[Decimal("1.5"), date(2026, 1, 31)]])])
    sheet = load_workbook(io.BytesIO(data))["Feuille"]
    assert sheet["A1"].font.bold
    assert sheet["A2"].value == 1.5 and sheet["A2"].number_format == "#,##0.000"
    assert sheet["B2"].is_date and sheet["B2"].number_format == "DD/MM/YYYY"


def test_csv_writes_booleans_as_oui_and_non():
    data = write_csv(["Exonéré", "Consentement"], [[True, False]])
    assert data.decode("utf-8").splitlines()[1] == "Oui;Non"
