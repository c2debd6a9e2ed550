import pytest
from django.core.exceptions import ValidationError

from workshop.validators import (
    format_phone,
    format_tax_id,
    normalise_phone,
    normalise_plate,
    normalise_tax_id,
    normalise_vin,
    plate_in_arabic,
    plate_search_text,
)


@pytest.mark.parametrize(
    "typed",
    [
        "20 123 456",
        "+216 20 123 456",
        "0021620123456",
        "20.123.456",
        "20123456",
        "+21620123456",
        "216 20 123 456",
        "20-123-456",
        " (+216) 20 123 456 ",
    ],
)
def test_phone_spellings_normalise_to_e164(typed):
    assert normalise_phone(typed) == "+21620123456"


@pytest.mark.parametrize("typed", ["71 123 456", "98 765 432", "55 000 111", "41 222 333", "36 000 000"])
def test_landlines_and_every_mobile_range_are_accepted(typed):
    assert normalise_phone(typed) == "+216" + typed.replace(" ", "")


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "2012345",
        "201234567",
        "10 123 456",
        "80 123 456",
        "+33 6 12 34 56 78",
        "0020123456",
        "abcdefgh",
        "020123456",
    ],
)
def test_wrong_phones_are_refused_in_french_naming_the_value(typed):
    with pytest.raises(ValidationError) as error:
        normalise_phone(typed)
    message = error.value.messages[0]
    assert "Numéro de téléphone invalide" in message
    assert f"« {typed.strip()} »" in message


def test_phone_prints_grouped():
    assert format_phone("+21620123456") == "+216 20 123 456"


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("123 TU 4567", "123 TU 4567"),
        ("123 TUN 4567", "123 TU 4567"),
        ("123TU4567", "123 TU 4567"),
        ("123 tun 4567", "123 TU 4567"),
        ("123-TU-4567", "123 TU 4567"),
        ("123 تونس 4567", "123 TU 4567"),
        ("123تونس4567", "123 TU 4567"),
        ("95 TU 7", "95 TU 7"),
        ("12345 RS", "12345 RS"),
        ("12345RS", "12345 RS"),
        ("RS 12345", "12345 RS"),
        ("12345 ن ت", "12345 RS"),
        ("12345 ن.ت", "12345 RS"),
    ],
)
def test_plate_spellings_normalise(typed, normal):
    assert normalise_plate(typed) == normal


@pytest.mark.parametrize(
    "typed", ["", "1234 TU 567", "123 TU 45678", "123 XX 4567", "TU 4567", "123 4567", "0 TU 0", "AB-123-CD", "RS"]
)
def test_wrong_plates_are_refused_in_french(typed):
    with pytest.raises(ValidationError) as error:
        normalise_plate(typed)
    assert "Immatriculation invalide" in error.value.messages[0]
    assert "123 TU 4567" in error.value.messages[0]


@pytest.mark.parametrize(
    ("typed", "searched"),
    [
        ("TU 500", '"TU 500"'),
        ("tu500", '"TU 500"'),
        ("تونس 4567", '"TU 4567"'),
        ("TUN 4567", '"TU 4567"'),
        ("123 تونس", '"123 TU"'),
        ("500 TU 12", '"500 TU 12"'),
        ("12345 ن ت", '"12345 RS"'),
        ("12345RS", '"12345 RS"'),
        ("RS 12", "RS 12"),
        ("Peugeot tun", "Peugeot TU"),
        ("Tunis 12", "Tunis 12"),
        ("123 TU 4567 Dridi", '"123 TU 4567" Dridi'),
    ],
)
def test_a_partial_plate_is_searched_as_one_phrase_in_the_stored_form(typed, searched):
    assert plate_search_text(typed) == searched


def test_plate_prints_in_arabic():
    assert plate_in_arabic("123 TU 4567") == "123 تونس 4567"
    assert plate_in_arabic("12345 RS") == "12345 ن ت"


@pytest.mark.parametrize("typed", ["VF3LCYHZPHS123456", "vf3lcyhzphs123456", "VF3 LCYHZ PHS-123456"])
def test_vin_normalises_to_capitals_without_separators(typed):
    assert normalise_vin(typed) == "VF3LCYHZPHS123456"


@pytest.mark.parametrize(
    "typed",
    [
        "VF3LCYHZPHS12345",
        "VF3LCYHZPHS1234567",
        "VF3LCYHZPHS12345I",
        "OF3LCYHZPHS123456",
        "QF3LCYHZPHS123456",
        "VF3LCYHZPHS12345*",
    ],
)
def test_wrong_vins_are_refused_in_french(typed):
    with pytest.raises(ValidationError) as error:
        normalise_vin(typed)
    assert "VIN" in error.value.messages[0] and "17 caractères" in error.value.messages[0]


@pytest.mark.parametrize("typed", ["1234567A/B/M/000", "1234567 A/B/M/000", "1234567abm000", "1234567/A/B/M/000"])
def test_tax_id_is_stored_compact_and_printed_slashed(typed):
    compact = normalise_tax_id(typed)
    assert compact == "1234567ABM000"
    assert format_tax_id(compact) == "1234567/A/B/M/000"


def test_tax_id_serial_without_leading_zeros_is_padded():
    assert normalise_tax_id("123456A/B/M/000") == "0123456ABM000"


@pytest.mark.parametrize(
    "typed",
    [
        "1234567I/B/M/000",
        "1234567O/B/M/000",
        "1234567U/B/M/000",
        "1234567A/X/M/000",
        "1234567A/B/Z/000",
        "1234567A/B/M/001",
        "ABCDEFGA/B/M/000",
        "1234567A/B/M",
    ],
)
def test_wrong_tax_ids_are_refused_in_french(typed):
    with pytest.raises(ValidationError) as error:
        normalise_tax_id(typed)
    assert "Matricule fiscal invalide" in error.value.messages[0]


@pytest.mark.parametrize(
    ("normal", "displayed"),
    [("+21620123456", "+216 20 123 456"), ("+21671000000", "+216 71 000 000"), ("+21699999999", "+216 99 999 999")],
)
def test_a_normal_phone_comes_back_unchanged_and_its_display_form_reads_back(normal, displayed):
    assert normalise_phone(normal) == normal
    assert format_phone(normal) == displayed
    assert normalise_phone(displayed) == normal


@pytest.mark.parametrize(
    "typed",
    [
        "+216٢٠١٢٣٤٥٦",  # Arabic-Indic digits are not the normal form: the full parse answers
        "+21620123456\n",
        "+216 20123456",
        "+21610123456",
    ],
)
def test_near_normal_phones_take_the_full_parse(typed):
    # Surrounding spaces defeat the shortcut: both spellings must get the same answer from the full parse.
    assert _answer(normalise_phone, typed) == _answer(normalise_phone, f" {typed} ")


def _answer(normaliser, value):
    try:
        return normaliser(value)
    except ValidationError as error:
        return error.messages


@pytest.mark.parametrize("normal", ["123 TU 4567", "1 TU 1", "999 TU 9999", "12345 RS", "1 RS", "999999 RS"])
def test_a_normal_plate_comes_back_unchanged(normal):
    assert normalise_plate(normal) == normal


@pytest.mark.parametrize(
    ("typed", "normal"), [("١٢٣ TU ٤٥٦٧", "123 TU 4567"), ("0123 TU 4567", None), ("012 TU 045", "12 TU 45")]
)
def test_near_normal_plates_take_the_full_parse(typed, normal):
    if normal is None:
        with pytest.raises(ValidationError):
            normalise_plate(typed)
    else:
        assert normalise_plate(typed) == normal
