"""The columns of a garage's customer sheet, recognised in French or English whatever the case, accents or spacing."""

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

CUSTOMER_COLUMNS = ("last_name", "first_name", "company_name", "phone", "email", "address", "city", "tax_id")
CAR_COLUMNS = ("plate", "make", "model", "year", "vin", "mileage")

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
    "plate": (_("Immatriculation"), ("immatriculation", "plate", "plaque", "licenceplate", "licenseplate")),
    "make": (_("Marque"), ("marque", "make", "brand")),
    "model": (_("Modèle"), ("modele", "model")),
    "year": (_("Année"), ("annee", "year")),
    "vin": ("VIN", ("vin", "chassis", "ndechassis", "numerodechassis", "nchassis")),
    "mileage": (_("Kilométrage"), ("kilometrage", "mileage", "km", "odometer")),
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
