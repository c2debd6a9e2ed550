"""The import domain: formats, counts, row errors, matching, idempotence, all-or-nothing, rejects, history."""

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from workshop.imports.importer import ImportFileError, import_customers
from workshop.models import Car, Customer, CustomerImport


def run(data: bytes, name="clients.csv", **kwargs):
    return import_customers(stream=io.BytesIO(data), file_name=name, **kwargs)


ROWS = [
    f.garage_row(1),
    f.garage_row(2),
    f.garage_row(3, **{"Société": "Transport Sahel", "Matricule fiscal": "1234567/A/B/M/000"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data,name",
    [
        (f.garage_csv(ROWS, delimiter=";"), "clients.csv"),
        (f.garage_csv(ROWS, delimiter=","), "clients.csv"),
        (f.garage_csv(ROWS, bom=True), "clients.CSV"),
        (f.garage_csv(ROWS, encoding="cp1252"), "clients.csv"),
        (f.garage_xlsx(ROWS), "clients.xlsx"),
        (f.garage_xlsx(ROWS, typed=True), "clients.xlsx"),
    ],
    ids=["semicolon", "comma", "utf8-bom", "windows-1252", "xlsx", "xlsx-numbers"],
)
def test_every_accepted_format_imports_the_same_customers_and_cars(data, name):
    report = run(data, name)
    assert (report.rows, report.rows_new, report.rows_invalid) == (3, 3, 0)
    assert (report.customers_created, report.cars_created) == (3, 3)
    assert report.committed
    customer = Customer.objects.get(phone="+21620000001")
    assert (customer.last_name, customer.first_name, customer.city) == ("Ben Salah 1", "Sami", "Tunis")
    car = customer.cars.get()
    assert (car.plate, car.make, car.year, car.mileage) == ("100 TU 2", "Peugeot", 2019, 85000)
    business = Customer.objects.get(phone="+21620000003")
    assert (business.kind, business.company_name, business.tax_id) == ("business", "Transport Sahel", "1234567ABM000")


@pytest.mark.django_db
def test_the_cin_column_is_optional_and_checked_like_the_admin():
    rows = [f.garage_row(1, CIN="01 234 567"), f.garage_row(2, CIN="123456789"), f.garage_row(3, CIN="1234")]
    headers = [*f.GARAGE_HEADERS, "CIN"]
    report = run(f.garage_csv(rows, headers=headers))
    assert (report.rows_new, report.rows_invalid) == (2, 1)
    errors = {(e.row, e.column): e.message for e in report.errors}
    assert errors[(4, "CIN")].startswith("CIN ou carte de séjour invalide : « 1234 ».")
    run(f.garage_csv(rows, headers=headers), skip_invalid=True)
    stored = dict(Customer.objects.values_list("phone", "national_id"))
    assert stored == {"+21620000001": "01234567", "+21620000002": "123456789"}
    report = run(f.garage_csv([f.garage_row(1, CIN="01234567"), f.garage_row(2)], headers=headers))
    # The same CIN typed again and an empty cell (which erases nothing) change nothing.
    assert (report.rows_unchanged, report.rows_invalid) == (2, 0)


@pytest.mark.django_db
def test_windows_1252_accents_survive():
    data = f.garage_csv([f.garage_row(1, **{"Nom": "Bélaïd", "Ville": "Gabès"})], encoding="cp1252")
    run(data)
    assert Customer.objects.get().last_name == "Bélaïd"
    assert Customer.objects.get().city == "Gabès"


@pytest.mark.django_db
def test_headers_match_without_case_accents_or_spacing_in_either_language():
    headers = ["  NOM ", "prenom", "TELEPHONE", "e-mail", "Matricule  Fiscal", "plate", "MAKE", "modele", "Annee", "km"]
    row = {
        "  NOM ": "Trabelsi",
        "prenom": "Ines",
        "TELEPHONE": "+216 98 765 432",
        "e-mail": "INES@Exemple.TN",
        "plate": "12345 ن ت",
        "MAKE": "Kia",
        "modele": "Rio",
        "Annee": "2021",
        "km": "12000 km",
    }
    report = run(f.garage_csv([row], headers=headers))
    assert report.rows_new == 1 and report.unknown_columns == []
    customer = Customer.objects.get()
    assert (customer.phone, customer.email) == ("+21698765432", "ines@exemple.tn")
    assert customer.cars.get().plate == "12345 RS"
    assert customer.cars.get().mileage == 12000


@pytest.mark.django_db
def test_unknown_columns_are_reported_not_silently_dropped():
    headers = [*f.GARAGE_HEADERS, "Couleur", "Remarque"]
    report = run(f.garage_csv([f.garage_row(1, Couleur="rouge")], headers=headers))
    assert report.unknown_columns == ["Couleur", "Remarque"]
    assert report.rows_new == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data,name,message",
    [
        (b"", "clients.csv", "est vide"),
        (b"Nom;Telephone\r\n", "clients.txt", "Format de fichier non pris en charge"),
        (b"PK\x03\x04 not really a zip", "clients.xlsx", "illisible ou endommagé"),
        (f.garage_xlsx(ROWS), "clients.csv", "classeur Excel nommé .csv"),
        (b"\x00\x01\x02binary\x00", "clients.csv", "n'est pas un fichier texte"),
        (f.garage_csv(ROWS, headers=["Prénom", "Ville", "Immatriculation"]), "clients.csv", "Colonnes obligatoires"),
        (f.garage_csv(ROWS, headers=["Nom", "Prénom", "Ville"]), "clients.csv", "« Téléphone / Email »"),
        (f.garage_csv(ROWS, headers=["Nom", "Téléphone", "Tel"]), "clients.csv", "Colonnes en double"),
    ],
    ids=["empty", "wrong-extension", "broken-xlsx", "xlsx-named-csv", "binary", "no-name", "no-contact", "duplicate"],
)
def test_unreadable_files_are_refused_with_a_french_reason_and_write_nothing(data, name, message):
    with pytest.raises(ImportFileError, match=message):
        run(data, name)
    assert not Customer.objects.exists()
    assert not CustomerImport.objects.exists()


@pytest.mark.django_db
def test_invalid_rows_are_reported_with_row_number_column_and_french_reason():
    rows = [
        f.garage_row(1),
        f.garage_row(2, **{"Téléphone": "12 34"}),
        f.garage_row(3, Immatriculation="ABC"),
        f.garage_row(4, VIN="VF3IOQ"),
        f.garage_row(5, **{"Année": "1890", "Kilométrage": "-3"}),
        f.garage_row(6, **{"Société": "Sahel SARL", "Matricule fiscal": "123"}),
        f.garage_row(7, **{"Société": "Sahel SARL"}),
        f.garage_row(8, Email="pas-un-mail", **{"Téléphone": ""}),
        f.garage_row(9, Nom="", **{"Prénom": ""}),
        f.garage_row(10, Marque=""),
    ]
    report = run(f.garage_csv(rows))
    errors = {(e.row, e.column): e.message for e in report.errors}
    assert report.rows_invalid == 9 and report.rows == 10
    assert "Numéro de téléphone invalide : « 12 34 »" in errors[(3, "Téléphone")]
    assert "Immatriculation invalide : « ABC »" in errors[(4, "Immatriculation")]
    assert "VIN" in errors[(5, "VIN")] and "17 caractères" in errors[(5, "VIN")]
    assert "Année invalide : « 1890 »" in errors[(6, "Année")]
    assert "Kilométrage invalide : « -3 »" in errors[(6, "Kilométrage")]
    assert "Matricule fiscal invalide" in errors[(7, "Matricule fiscal")]
    assert errors[(8, "Matricule fiscal")] == "Le matricule fiscal est obligatoire pour une entreprise ou un organisme."
    assert errors[(9, "Email")] == "Adresse e-mail invalide : « pas-un-mail »."
    assert errors[(10, "Nom")] == "Le nom est obligatoire pour un particulier."
    assert errors[(11, "Marque")] == "La marque est obligatoire pour un véhicule."


@pytest.mark.django_db
def test_by_default_one_invalid_row_means_nothing_is_written():
    report = run(f.garage_csv([f.garage_row(1), f.garage_row(2, Immatriculation="??")]))
    assert not report.committed
    assert (report.rows_new, report.rows_invalid) == (1, 1)
    assert not Customer.objects.exists() and not Car.objects.exists()
    assert not CustomerImport.objects.exists()


@pytest.mark.django_db
def test_skip_invalid_imports_the_valid_rows_only():
    report = run(f.garage_csv([f.garage_row(1), f.garage_row(2, Immatriculation="??")]), skip_invalid=True)
    assert report.committed
    assert Customer.objects.count() == 1 and Car.objects.get().plate == "100 TU 2"
    record = CustomerImport.objects.get()
    assert (record.rows, record.rows_invalid, record.customers_created, record.cars_created) == (2, 1, 1, 1)
    assert record.status == CustomerImport.Status.IMPORTED


@pytest.mark.django_db
def test_dry_run_reports_exactly_but_writes_nothing():
    report = run(f.garage_csv([f.garage_row(1), f.garage_row(2)]), dry_run=True)
    assert (report.rows_new, report.customers_created, report.cars_created) == (2, 2, 2)
    assert not report.committed
    assert not Customer.objects.exists() and not CustomerImport.objects.exists()


@pytest.mark.django_db
def test_reimporting_the_same_file_creates_and_changes_nothing():
    data = f.garage_xlsx([f.garage_row(n) for n in range(1, 6)], typed=True)
    run(data, "clients.xlsx")
    before = list(Customer.objects.values().order_by("id")), list(Car.objects.values().order_by("id"))
    history = Customer.history.count(), Car.history.count()
    report = run(data, "clients.xlsx")
    assert (report.rows_unchanged, report.rows_new, report.rows_updated) == (5, 0, 0)
    assert (report.customers_created, report.cars_created, report.updated) == (0, 0, 0)
    assert (list(Customer.objects.values().order_by("id")), list(Car.objects.values().order_by("id"))) == before
    assert (Customer.history.count(), Car.history.count()) == history


@pytest.mark.django_db
def test_customer_is_matched_by_normalised_phone_and_updated_with_new_values():
    customer = f.CustomerFactory(phone="+21620000001", city="Sousse", email="old@exemple.tn")
    report = run(f.garage_csv([f.garage_row(1, Email="", Ville="Tunis")]))
    customer.refresh_from_db()
    assert (report.customers_created, report.customers_updated, report.rows_updated, report.rows_new) == (0, 1, 0, 1)
    assert customer.city == "Tunis"
    assert customer.email == "old@exemple.tn", "an empty cell must not erase what is known"
    assert customer.cars.count() == 1


@pytest.mark.django_db
def test_customer_without_phone_is_matched_by_email():
    customer = f.CustomerFactory(phone=None, email="sans.tel@exemple.tn")
    run(f.garage_csv([f.garage_row(1, Email="Sans.Tel@exemple.tn", **{"Téléphone": ""})]))
    assert Customer.objects.count() == 1
    assert customer.cars.get().plate == "100 TU 2"


@pytest.mark.django_db
def test_car_is_matched_by_plate_or_vin_and_can_change_owner():
    old_owner = f.CustomerFactory()
    car = f.CarFactory(owner=old_owner, plate="100 TU 2", vin="VF3ABCDEFGH123456", mileage=1000)
    report = run(f.garage_csv([f.garage_row(1, Immatriculation="100TU2")]))
    car.refresh_from_db()
    assert (report.cars_created, report.cars_updated) == (0, 1)
    assert car.owner.phone == "+21620000001" and car.mileage == 85000
    run(f.garage_csv([f.garage_row(1, Immatriculation="555 TU 1", VIN="vf3abcdefgh123456")]))
    car.refresh_from_db()
    assert car.plate == "555 TU 1" and Car.objects.count() == 1


@pytest.mark.django_db
def test_plate_and_vin_of_two_different_cars_is_an_error():
    f.CarFactory(plate="100 TU 2")
    f.CarFactory(plate="200 TU 1", vin="VF3ABCDEFGH123456")
    report = run(f.garage_csv([f.garage_row(1, VIN="VF3ABCDEFGH123456")]))
    assert report.rows_invalid == 1
    assert "appartient déjà au véhicule 200 TU 1" in report.errors[0].message


@pytest.mark.django_db
def test_several_cars_of_one_customer_and_conflicting_repeats_in_one_file():
    rows = [
        f.garage_row(1),
        f.garage_row(1, Immatriculation="300 TU 7"),
        f.garage_row(1, Immatriculation="301 TU 7", Ville="Sfax"),
        f.garage_row(2, Immatriculation="100 TU 2"),
    ]
    report = run(f.garage_csv(rows), skip_invalid=True)
    assert (report.customers_created, report.cars_created, report.rows_invalid) == (1, 2, 2)
    messages = {e.row: e.message for e in report.errors}
    assert "figure déjà ligne 2" in messages[4] and "Tunis" in messages[4]
    assert "autre propriétaire" in messages[5]
    assert Customer.objects.get(phone="+21620000001").cars.count() == 2


@pytest.mark.django_db
def test_rows_spanning_batches_are_matched_against_earlier_batches():
    rows = [f.garage_row(n) for n in range(1, 8)] + [f.garage_row(1, Immatriculation="999 TU 9")]
    report = run(f.garage_csv(rows), batch_size=3)
    assert (report.customers_created, report.cars_created, report.rows_new) == (7, 8, 8)
    assert Customer.objects.get(phone="+21620000001").cars.count() == 2


@pytest.mark.django_db
def test_rejected_rows_file_round_trip(tmp_path):
    rows = [f.garage_row(1), f.garage_row(2, **{"Téléphone": "1"}), f.garage_row(3, Immatriculation="??")]
    rejects = io.StringIO()
    first = run(f.garage_csv(rows), skip_invalid=True, rejects=rejects)
    assert first.rows_invalid == 2
    lines = list(csv.reader(io.StringIO(rejects.getvalue()), delimiter=";"))
    assert lines[0] == [*f.GARAGE_HEADERS, "Erreurs"]
    assert [line[0] for line in lines[1:]] == ["Ben Salah 2", "Ben Salah 3"]
    assert "Téléphone : Numéro de téléphone invalide" in lines[1][-1]
    lines[1][3], lines[2][8] = "20 000 002", "103 TU 3"  # the fixes a person would type
    fixed = io.StringIO()
    csv.writer(fixed, delimiter=";").writerows(lines)
    second = run(("\ufeff" + fixed.getvalue()).encode("utf-8"), "clients-rejets.csv")
    assert (second.rows_new, second.rows_invalid, second.unknown_columns) == (2, 0, [])
    assert Customer.objects.count() == 3 and Car.objects.count() == 3


@pytest.mark.django_db
def test_imported_rows_carry_audit_history_with_the_user_and_the_file(manager):
    run(f.garage_csv([f.garage_row(1)]), user=manager)
    customer = Customer.objects.get()
    created = customer.history.get()
    assert created.history_type == "+" and created.history_user == manager
    assert "clients.csv" in created.history_change_reason
    assert Car.history.get().history_user == manager
    run(f.garage_csv([f.garage_row(1, Ville="Bizerte")]), user=manager)
    changed = customer.history.order_by("-history_id").first()
    assert (changed.history_type, changed.city) == ("~", "Bizerte")
    assert CustomerImport.objects.filter(imported_by=manager).count() == 2


@pytest.mark.django_db
def test_query_count_does_not_grow_with_rows():
    def queries(rows):
        with CaptureQueriesContext(connection) as ctx:
            report = run(f.garage_csv(rows))
        assert report.rows_invalid == 0
        return len(ctx)

    few = queries([f.garage_row(n) for n in range(1, 4)])
    many = queries([f.garage_row(n) for n in range(100, 400)])
    if connection.vendor == "postgresql":
        assert many <= few  # look-ups per batch, COPY whatever the row count
    else:
        # SQLite takes 999 parameters a query: a car and its history row (~25 columns each) go ~40 a batch.
        assert many < 300 / 5, "SQLite splits inserts by its variable limit, but never a query per row"


@pytest.mark.django_db
def test_progress_is_reported_up_to_the_end():
    calls = []
    run(f.garage_csv([f.garage_row(n) for n in range(1, 8)]), batch_size=3, progress=lambda n, x: calls.append((n, x)))
    assert calls[-1] == (7, 1.0)
    assert [n for n, _ in calls] == sorted(n for n, _ in calls)


# --- remind: the car's first registration and category (the visite technique's rhythm) ------------------------------

OBLIGATION_HEADERS = [*f.GARAGE_HEADERS, "Première mise en circulation", "Catégorie"]


@pytest.mark.django_db
@pytest.mark.parametrize("typed", [False, True], ids=["csv", "xlsx-dates"])
def test_first_registration_and_category_columns_are_imported(typed):
    first, second = (date(2020, 3, 15), date(2019, 7, 1)) if typed else ("15/03/2020", "2019-07-01")
    rows = [
        f.garage_row(1, **{"Première mise en circulation": first, "Catégorie": "Taxi"}),
        f.garage_row(2, **{"Première mise en circulation": second, "Catégorie": "voiture particulière"}),
        f.garage_row(3, **{"Première mise en circulation": "", "Catégorie": "VU"}),
    ]
    if typed:  # Excel date cells
        data, name = f.garage_xlsx(rows, headers=OBLIGATION_HEADERS, typed=True), "clients.xlsx"
    else:
        data, name = f.garage_csv(rows, headers=OBLIGATION_HEADERS), "clients.csv"
    report = run(data, name)
    assert report.rows_invalid == 0
    cars = {car.plate: (car.first_registration, car.category) for car in Car.objects.all()}
    assert sorted(cars.values(), key=str) == sorted(
        [(date(2020, 3, 15), "taxi"), (date(2019, 7, 1), "private"), (None, "utility")], key=str
    )
    again = run(data, name)
    assert (again.cars_created, again.cars_updated, again.rows_invalid) == (0, 0, 0)


@pytest.mark.django_db
def test_a_bad_first_registration_or_category_is_refused_with_its_reason():
    rows = [
        f.garage_row(1, **{"Première mise en circulation": "31/02/2020", "Catégorie": ""}),
        f.garage_row(2, **{"Première mise en circulation": "01/01/2090", "Catégorie": ""}),
        f.garage_row(3, **{"Première mise en circulation": "", "Catégorie": "camion"}),
    ]
    report = run(f.garage_csv(rows, headers=OBLIGATION_HEADERS))
    errors = {(e.row, e.column): e.message for e in report.errors}
    assert errors[(2, "Première mise en circulation")] == "Date invalide : « 31/02/2020 ». Écrivez-la JJ/MM/AAAA."
    assert "hors de la plage acceptée : 01/01/2090" in errors[(3, "Première mise en circulation")]
    assert errors[(4, "Catégorie")].startswith("Catégorie inconnue : « camion ». Attendu : Voiture particulière,")
    assert not Car.objects.exists()
