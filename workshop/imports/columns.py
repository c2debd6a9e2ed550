"""The columns of a garage's customer sheet, recognised in French or English whatever the case, accents or spacing."""

import re
import unicodedata
from datetime import date

from django.utils import translation
from django.utils.translation import gettext_lazy as _

CUSTOMER_COLUMNS = ("last_name", "first_name", "company_name", "phone", "email", "address", "city", "tax_id")
CUSTOMER_COLUMNS += ("national_id",)
CAR_COLUMNS = ("plate", "make", "model", "year", "vin", "mileage", "first_registration", "category")

# field -> (the header we write in our own files, every spelling we accept once reduced by `header_key`)
COLUMNS = {
    "last_name": (_("Nom"), ("nom", "lastname", "nomdefamille", "name")),
    "first_name": (_("Prénom"), ("prenom", "firstname")),
    "company_name": (_("Société"), ("societe", "company", "companyname", "raisonsociale", "entreprise")),
    "phone": (_("Téléphone"), ("telephone", "phone", "tel", "gsm", "mobile", "portable")),
    "email": (
        "Email",  # the same word in both languages (and Django would translate it to « Courriel »)
        ("email", "mail", "courriel", "adresseemail", "adressemail"),
    ),
    "address": (_("Adresse"), ("adresse", "address")),
    "city": (_("Ville"), ("ville", "city")),
    "tax_id": (_("Matricule fiscal"), ("matriculefiscal", "taxid", "mf", "matriculefiscale")),
    "national_id": (
        "CIN",  # the same word in both languages
        ("cin", "ncin", "numerocin", "cartedesejour", "cinoucartedesejour", "nationalid", "idcard"),
    ),
    "plate": (_("Immatriculation"), ("immatriculation", "plate", "plaque", "licenceplate", "licenseplate")),
    "make": (_("Marque"), ("marque", "make", "brand")),
    "model": (_("Modèle"), ("modele", "model")),
    "year": (_("Année"), ("annee", "year")),
    "vin": ("VIN", ("vin", "chassis", "ndechassis", "numerodechassis", "nchassis")),
    "mileage": (_("Kilométrage"), ("kilometrage", "mileage", "km", "odometer")),
    "first_registration": (
        _("Première mise en circulation"),
        ("premieremiseencirculation", "miseencirculation", "dpmc", "firstregistration", "registrationdate"),
    ),
    "category": (_("Catégorie"), ("categorie", "category", "genre", "usage")),
}
# The column our own rejects file adds: re-importing a fixed rejects file must not complain about it.
IGNORED_KEYS = {"erreurs", "errors", "erreur", "error"}
REJECTS_COLUMN = _("Erreurs")

_ALIASES = {alias: name for name, (_label, aliases) in COLUMNS.items() for alias in aliases}
_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


def header_key(header: str) -> str:
    """`Téléphone ` -> `telephone`, `Matricule  Fiscal` -> `matriculefiscal`, `E-mail` -> `email`."""
    decomposed = unicodedata.normalize("NFKD", header or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_ALPHANUMERIC.sub("", plain.casefold())


def column_label(name: str) -> str:
    return str(COLUMNS[name][0])


def match_headers(headers: list[str]) -> tuple[dict[str, int], list[str], list[str]]:
    """Map each known field to its column index; return (mapping, unknown headers, duplicated fields' headers)."""
    mapping: dict[str, int] = {}
    unknown: list[str] = []
    duplicated: list[str] = []
    for index, header in enumerate(headers):
        key = header_key(header)
        if not key or key in IGNORED_KEYS:
            continue
        name = _ALIASES.get(key)
        if name is None:
            unknown.append(header)
        elif name in mapping:
            duplicated.append(header)
        else:
            mapping[name] = index
    return mapping, unknown, duplicated


_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$|^(\d{4})-(\d{2})-(\d{2})$")
# A car category as garages write it (reduced by `header_key`), besides our own values and French labels.
CATEGORY_SPELLINGS = {
    "particuliere": "private",
    "vp": "private",
    "prive": "private",
    "privee": "private",
    "utilitaire": "utility",
    "vu": "utility",
    "autoecole": "driving_school",
}


def parse_day(text: str) -> date | None:
    """`15/03/2020`, `15-03-2020`, `15.03.2020` (day first, as in Tunisia) or `2020-03-15`; None if not a date."""
    match = _DATE.match(text)
    if match is None:
        return None
    day, month, year = (match.group(1), match.group(2), match.group(3)) if match.group(1) else match.group(6, 5, 4)
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def car_category(text: str) -> str | None:
    """`Voiture particulière`, `VP`, `taxi`, `Louage`... -> the stored value; None if not a category."""
    from workshop.models import Car

    key = header_key(text)
    with translation.override("fr"):  # the labels as the French sheet writes them, whatever the user's language
        for value, label in Car.Category.choices:
            if key in (header_key(value), header_key(str(label))):
                return value
    return CATEGORY_SPELLINGS.get(key)
