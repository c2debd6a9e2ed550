"""Tunisian identifiers: normalise what people type, refuse what cannot be right, in French."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.tn import mf

_SEPARATORS = re.compile(r"[\s.\-/()]+")
_PHONE_FIRST_DIGITS = "234579"
# Values already in their normal form come back unchanged; recognising them first spares the parsing when a
# model re-normalises what an import (or a form) has just normalised.
_NORMAL_PHONE = re.compile(r"\+216[234579][0-9]{7}")


def normalise_phone(value: str) -> str:
    """`20 123 456`, `+216 20 123 456`, `0021620123456`, `20.123.456` -> `+21620123456`."""
    if value and _NORMAL_PHONE.fullmatch(value):
        return value
    raw = (value or "").strip()
    digits = _SEPARATORS.sub("", raw)
    if digits.startswith("+216"):
        digits = digits[4:]
    elif digits.startswith("00216"):
        digits = digits[5:]
    elif digits.startswith("216") and len(digits) == 11:
        digits = digits[3:]
    if not (len(digits) == 8 and digits.isdigit() and digits[0] in _PHONE_FIRST_DIGITS):
        raise ValidationError(
            _(
                "Numéro de téléphone invalide : « %(value)s ». Attendu un numéro tunisien de 8 chiffres "
                "commençant par 2, 3, 4, 5, 7 ou 9, par exemple 20 123 456 ou +216 20 123 456."
            ),
            code="invalid_phone",
            params={"value": raw},
        )
    return f"+216{digits}"


def format_phone(value: str) -> str:
    """`+21620123456` -> `+216 20 123 456` for reading."""
    if value and value.startswith("+216") and len(value) == 12:
        local = value[4:]
        return f"+216 {local[:2]} {local[2:5]} {local[5:]}"
    return value or ""


TUNIS_ARABIC = "تونس"
RS_ARABIC = "ن ت"
_ORDINARY_PLATE = re.compile(r"^(\d{1,3})\s*(?:TUN|TU|" + TUNIS_ARABIC + r")\s*(\d{1,4})$")
_NORMAL_PLATE = re.compile(r"[1-9][0-9]{0,2} TU [1-9][0-9]{0,3}|[1-9][0-9]{0,5} RS")
_RS_PLATE = re.compile(r"^(?:(\d{1,6})\s*(?:RS|ن\s*\.?\s*ت)|(?:RS|ن\s*\.?\s*ت)\s*(\d{1,6}))$")


def normalise_plate(value: str) -> str:
    """`123 تونس 4567`, `123TU4567`, `123-tun-4567` -> `123 TU 4567`; `12345 ن ت` -> `12345 RS`."""
    if value and _NORMAL_PLATE.fullmatch(value):
        return value
    raw = (value or "").strip()
    text = re.sub(r"[\s\-_.·]+", " ", raw.upper()).strip()
    if match := _ORDINARY_PLATE.match(text):
        series, number = match.groups()
        if int(series) > 0 and int(number) > 0:
            return f"{int(series)} TU {int(number)}"
    if match := _RS_PLATE.match(text):
        number = match.group(1) or match.group(2)
        if int(number) > 0:
            return f"{int(number)} RS"
    raise ValidationError(
        _(
            "Immatriculation invalide : « %(value)s ». Formats acceptés : 123 TU 4567 "
            "(ou 123 TUN 4567, 123 تونس 4567) et 12345 RS (ou 12345 ن ت)."
        ),
        code="invalid_plate",
        params={"value": raw},
    )


def plate_in_arabic(plate: str) -> str:
    """The normal form as printed on the plate itself: `123 TU 4567` -> `123 تونس 4567`."""
    parts = plate.split()
    if len(parts) == 3 and parts[1] == "TU":
        return f"{parts[0]} {TUNIS_ARABIC} {parts[2]}"
    if len(parts) == 2 and parts[1] == "RS":
        return f"{parts[0]} {RS_ARABIC}"
    return plate


_VIN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")


def normalise_vin(value: str) -> str:
    """17 characters, capitals and digits without I, O, Q; no North American check digit."""
    raw = (value or "").strip()
    vin = re.sub(r"[\s\-]+", "", raw).upper()
    if not _VIN.match(vin):
        raise ValidationError(
            _(
                "Numéro de châssis (VIN) invalide : « %(value)s ». Il compte 17 caractères, "
                "chiffres et lettres majuscules sauf I, O et Q."
            ),
            code="invalid_vin",
            params={"value": raw},
        )
    return vin


def normalise_tax_id(value: str) -> str:
    """Matricule fiscal, stored compact: `1234567 A/B/M/000` -> `1234567ABM000`."""
    raw = (value or "").strip()
    try:
        return mf.validate(raw)
    except StdnumError:
        raise ValidationError(
            _(
                "Matricule fiscal invalide : « %(value)s ». Format attendu : 7 chiffres, une lettre de "
                "contrôle (sauf I, O, U), le code TVA (A, P, B, D, N), la catégorie (M, P, C, N, E) et le "
                "numéro d'établissement, par exemple 1234567A/B/M/000."
            ),
            code="invalid_tax_id",
            params={"value": raw},
        ) from None


def format_tax_id(value: str) -> str:
    """Compact form -> the slashed form printed on documents."""
    return mf.format(value) if value else ""


def validate_phone(value: str) -> None:
    if value:
        normalise_phone(value)


def validate_plate(value: str) -> None:
    normalise_plate(value)


def validate_vin(value: str) -> None:
    if value:
        normalise_vin(value)


def validate_tax_id(value: str) -> None:
    if value:
        normalise_tax_id(value)


def normalised_or_raw(normaliser, value: str) -> str:
    """Normalise when possible; otherwise keep the raw value so the field validator reports it."""
    if not value:
        return value
    try:
        return normaliser(value)
    except ValidationError:
        return value
