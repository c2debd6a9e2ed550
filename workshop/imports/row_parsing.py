"""Read one spreadsheet row into a customer's and a car's values, in their stored form, with each column's errors.

Identifiers go through the very normalisers the model fields run (phone, matricule fiscal, CIN, plate, VIN), so
`RowResolver` validates them only once; an error names the column as written in the file and says why in French.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from workshop.imports.columns import CAR_COLUMNS, COLUMNS, car_category, column_label, parse_day
from workshop.models import Car
from workshop.models.cars import FIRST_CAR_YEAR, LAST_CAR_YEAR
from workshop.validators import normalise_national_id, normalise_phone, normalise_plate, normalise_tax_id, normalise_vin

# The customer's identifiers, each with the normaliser its model field validates with (rows.py skips them then).
_CUSTOMER_IDS = [("phone", normalise_phone), ("tax_id", normalise_tax_id), ("national_id", normalise_national_id)]
_THOUSANDS = re.compile(r"^\d{1,3}(?:[ .\u00a0\u202f]\d{3})+$")
_MAX_MILEAGE = 2_000_000


def _text(value: str) -> str:
    return " ".join(value.split())


def _message(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


class RowParser:
    """The parsing half of `RowResolver`, which sets `mapping` (column -> index in the row) and `headers` (column ->
    header as the file spells it)."""

    mapping: dict[str, int]
    headers: dict[str, str]

    def label(self, name: str) -> str:
        """The column as the file spells it, else our own header for it."""
        return self.headers.get(name) or (column_label(name) if name in COLUMNS else "")

    # --- parsing -----------------------------------------------------------------------------------

    def _cells(self, cells: list[str]) -> dict[str, str]:
        """Every known column's stripped cell ("" when the file lacks the column or the row is short)."""
        values = dict.fromkeys(COLUMNS, "")
        width = len(cells)
        for name, index in self.mapping.items():
            if index < width:
                values[name] = cells[index].strip()
        return values

    def parse(self, number: int, cells: list[str]):
        """(customer values, car values or None, errors); values are already in their stored form."""
        errors: list[tuple[str, str]] = []
        cell = self._cells(cells)
        customer = {}
        for name in ("first_name", "last_name", "company_name", "address", "city"):
            if value := _text(cell[name]):
                customer[name] = value
        for name, normaliser in _CUSTOMER_IDS:
            if value := cell[name]:
                try:
                    customer[name] = normaliser(value)
                except ValidationError as error:
                    errors.append((self.label(name), _message(error)))
        if email := cell["email"].lower():
            try:
                validate_email(email)
                customer["email"] = email
            except ValidationError:
                errors.append((self.label("email"), _("Adresse e-mail invalide : « %(value)s ».") % {"value": email}))
        if not cell["phone"] and not email:
            errors.append(
                (
                    self.label("phone" if "phone" in self.mapping else "email"),
                    _("Indiquez un téléphone ou un e-mail : c'est ce qui identifie le client."),
                )
            )
        car = None
        if any(cell[name] for name in CAR_COLUMNS):
            car = self._parse_car(cell, errors)
        return customer, car, errors

    def _parse_car(self, cell: dict[str, str], errors) -> dict:
        car = {}
        plate = cell["plate"]
        if not plate:
            errors.append((self.label("plate"), _("L'immatriculation est obligatoire pour un véhicule.")))
        else:
            try:
                car["plate"] = normalise_plate(plate)
            except ValidationError as error:
                errors.append((self.label("plate"), _message(error)))
        if vin := cell["vin"]:
            try:
                car["vin"] = normalise_vin(vin)
            except ValidationError as error:
                errors.append((self.label("vin"), _message(error)))
        if make := _text(cell["make"]):
            car["make"] = make
        else:
            errors.append((self.label("make"), _("La marque est obligatoire pour un véhicule.")))
        if model := _text(cell["model"]):
            car["model"] = model
        if year := cell["year"]:
            if year.isdigit() and FIRST_CAR_YEAR <= int(year) <= LAST_CAR_YEAR:
                car["year"] = int(year)
            else:
                errors.append(
                    (
                        self.label("year"),
                        _("Année invalide : « %(value)s ». Indiquez une année entre %(first)s et %(last)s.")
                        % {"value": year, "first": FIRST_CAR_YEAR, "last": LAST_CAR_YEAR},
                    )
                )
        if mileage := cell["mileage"]:
            digits = re.sub(r"\s*km$", "", mileage, flags=re.IGNORECASE).strip()
            if _THOUSANDS.match(digits):
                digits = re.sub(r"\D", "", digits)
            if digits.isdigit() and int(digits) <= _MAX_MILEAGE:
                car["mileage"] = int(digits)
            else:
                errors.append(
                    (
                        self.label("mileage"),
                        _("Kilométrage invalide : « %(value)s ». Indiquez un nombre de kilomètres entre 0 et %(max)s.")
                        % {"value": mileage, "max": f"{_MAX_MILEAGE:,}".replace(",", " ")},
                    )
                )
        if registered := cell["first_registration"]:
            if (day := parse_day(registered)) is not None:
                car["first_registration"] = day
            else:
                errors.append(
                    (
                        self.label("first_registration"),
                        _("Date invalide : « %(value)s ». Écrivez-la JJ/MM/AAAA.") % {"value": registered},
                    )
                )
        if category := cell["category"]:
            if value := car_category(category):
                car["category"] = value
            else:
                expected = ", ".join(str(label) for label in Car.Category.labels)
                errors.append(
                    (
                        self.label("category"),
                        _("Catégorie inconnue : « %(value)s ». Attendu : %(expected)s.")
                        % {"value": category, "expected": expected},
                    )
                )
        return car
