"""Spreadsheets as garages send them (customer imports), and the import runs that record them."""

import factory

from workshop import models

GARAGE_HEADERS = ["Nom", "Prénom", "Société", "Téléphone", "Email", "Adresse", "Ville", "Matricule fiscal"]
GARAGE_HEADERS += ["Immatriculation", "Marque", "Modèle", "Année", "VIN", "Kilométrage"]


def garage_row(n: int, **overrides) -> dict:
    """Row n of a well-formed customer sheet: customer n with car n, values written as people type them."""
    row = {
        "Nom": f"Ben Salah {n}",
        "Prénom": "Sami",
        "Société": "",
        "Téléphone": f"2{n:07d}"[:2] + " " + f"2{n:07d}"[2:5] + " " + f"2{n:07d}"[5:],
        "Email": f"client{n}@exemple.tn",
        "Adresse": "12 rue de Marseille",
        "Ville": "Tunis",
        "Matricule fiscal": "",
        "Immatriculation": f"{100 + n // 9999} tun {n % 9999 + 1}",
        "Marque": "Peugeot",
        "Modèle": "208",
        "Année": "2019",
        "VIN": "",
        "Kilométrage": "85 000",
    }
    row.update(overrides)
    return row


def garage_csv(rows: list[dict], *, headers=None, delimiter=";", encoding="utf-8", bom=False) -> bytes:
    import csv
    import io

    headers = headers or GARAGE_HEADERS
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(header, "") for header in headers])
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def garage_xlsx(rows: list[dict], *, headers=None, typed=False) -> bytes:
    """An Excel sheet; `typed` stores phones, years and mileages as numbers, as Excel users end up doing."""
    import io

    from openpyxl import Workbook

    headers = headers or GARAGE_HEADERS
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    numeric = {"Année", "Kilométrage", "Téléphone"}
    for row in rows:
        values = []
        for header in headers:
            value = row.get(header, "")
            if typed and header in numeric and value:
                value = int(str(value).replace(" ", ""))
            values.append(value if value != "" else None)
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class CustomerImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CustomerImport

    file_name = factory.Sequence(lambda n: f"clients-{n}.xlsx")
    status = models.CustomerImport.Status.IMPORTED
