"""Tunisian identifiers: normalise what people type, refuse what cannot be right, in French."""

import re
from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
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


# The series marker with the digits beside it, as typed: `TU 500`, `123 tun`, `tu500`, `12345 RS`.
_PARTIAL_PLATE = re.compile(r"(?<!\w)(?:(\d+)\s*)?(TUN|TU|RS)(?:\s*(\d+))?(?!\w)", re.IGNORECASE)


def plate_search_text(term: str) -> str:
    """A partial plate as typed (`تونس 4567`, `tun 45`, `ن ت`) in the words the stored form uses (`TU 4567`), so an
    ordinary search finds it; other words are left as they are.

    The marker and the digits beside it become one quoted phrase (`"TU 4567"`): the plate holds them in that
    order, and a phrase of three characters or more is served by the trigram index, where the word `TU` alone
    matched every ordinary plate (« TU 500 » read 150,000 cars on the 100k demo to keep a few hundred)."""
    text = re.sub(r"ن\s*\.?\s*ت", " RS ", term or "")
    text = " ".join("TU" if word == TUNIS_ARABIC else word for word in text.split())

    def phrase(match) -> str:
        series, marker, number = match.groups()
        marker = "TU" if marker.upper() in ("TU", "TUN") else "RS"
        if marker == "RS":  # nothing follows RS on a plate: a number after it is another word
            words = [series, marker]
            rest = f" {number}" if number else ""
        else:
            words, rest = [series, marker, number], ""
        words = [word for word in words if word]
        return (f'"{" ".join(words)}"' if len(words) > 1 else marker) + rest

    return _PARTIAL_PLATE.sub(phrase, text)


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


NATIONAL_ID_LENGTHS = (8, 9)  # CIN (carte d'identité nationale), carte de séjour


def normalise_national_id(value: str) -> str:
    """CIN (8 digits) or carte de séjour (9 digits), stored as digits only: `01 234 567` -> `01234567`."""
    raw = (value or "").strip()
    digits = _SEPARATORS.sub("", raw)
    if not (digits.isascii() and digits.isdigit() and len(digits) in NATIONAL_ID_LENGTHS):
        raise ValidationError(
            _(
                "CIN ou carte de séjour invalide : « %(value)s ». Attendu 8 chiffres pour une CIN (par exemple "
                "01234567) ou 9 chiffres pour une carte de séjour."
            ),
            code="invalid_national_id",
            params={"value": raw},
        )
    return digits


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


def validate_national_id(value: str) -> None:
    if value:
        normalise_national_id(value)


def normalised_or_raw(normaliser, value: str) -> str:
    """Normalise when possible; otherwise keep the raw value so the field validator reports it."""
    if not value:
        return value
    try:
        return normaliser(value)
    except ValidationError:
        return value


# --- Dates ---------------------------------------------------------------------------------------
# Every date a person types is kept in a range a garage can mean. The database holds the fixed bounds
# (check constraints); the moving upper bound (today + a margin) is checked by forms, models and reports.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2099, 12, 31)
NOT_AFTER_TOMORROW = 1  # a payment, an issue date, a reception: today (a day of slack for time zones)
WITHIN_A_YEAR = 366  # a promised date, a next service date, a report period


@deconstructible
class DateRangeValidator:
    """A date (or the local date of a datetime) between EARLIEST_DATE and today + `days_ahead`."""

    def __init__(self, days_ahead: int = WITHIN_A_YEAR):
        self.days_ahead = days_ahead

    def latest(self) -> date:
        return min(timezone.localdate() + timedelta(days=self.days_ahead), LATEST_DATE)

    def __call__(self, value) -> None:
        if value is None:
            return
        day = timezone.localdate(value) if isinstance(value, datetime) and timezone.is_aware(value) else value
        if isinstance(day, datetime):
            day = day.date()
        latest = self.latest()
        if not EARLIEST_DATE <= day <= latest:
            raise ValidationError(
                _("Date hors de la plage acceptée : %(value)s. Attendu entre le %(earliest)s et le %(latest)s."),
                code="date_out_of_range",
                params={
                    "value": day.strftime("%d/%m/%Y"),
                    "earliest": EARLIEST_DATE.strftime("%d/%m/%Y"),
                    "latest": latest.strftime("%d/%m/%Y"),
                },
            )

    def __eq__(self, other):
        return isinstance(other, DateRangeValidator) and other.days_ahead == self.days_ahead


validate_past_date = DateRangeValidator(NOT_AFTER_TOMORROW)
validate_planned_date = DateRangeValidator(WITHIN_A_YEAR)


def date_bounds_check(field: str, name: str, *, moment: bool = False):
    """The fixed bounds as a database check constraint (NULL allowed: the column's own nullability decides).

    `moment` for a timestamp column: the bounds are then the first and last instants of those days (UTC
    with a day of margin, so no time zone can push a legitimate local date outside).
    """
    from django.db import models
    from django.utils.translation import gettext_lazy

    low, high = EARLIEST_DATE, LATEST_DATE
    if moment:
        low = datetime.combine(EARLIEST_DATE - timedelta(days=1), datetime.min.time(), tzinfo=UTC)
        high = datetime.combine(LATEST_DATE + timedelta(days=1), datetime.max.time(), tzinfo=UTC)
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__isnull": True}) | models.Q(**{f"{field}__gte": low, f"{field}__lte": high}),
        name=name,
        violation_error_message=gettext_lazy("Date hors de la plage acceptée (du 01/01/2000 au 31/12/2099)."),
    )
