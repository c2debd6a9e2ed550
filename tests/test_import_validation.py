"""ImportValidator must answer exactly what the admin's clean_fields(exclude=...) then clean() answer."""

import pytest
from django.core.exceptions import ValidationError

from workshop.imports.rows import _CAR_UNCHECKED, _CUSTOMER_UNCHECKED
from workshop.imports.validation import ImportValidator
from workshop.models import Car, Customer

CUSTOMER_CASES = [
    {"last_name": "Ben Salah", "first_name": "Sami", "phone": "+21620123456", "city": "Tunis"},
    {"last_name": "  Ben   Salah ", "first_name": "Sami", "email": "Sami@Exemple.TN "},
    {"last_name": "x" * 81, "first_name": "y" * 90, "phone": "+21620123456"},
    {"last_name": "Trabelsi", "email": "a" * 250 + "@exemple.tn"},
    {"first_name": "Sans nom", "phone": "+21620123456"},
    {"kind": "business", "company_name": "Garage du Lac", "phone": "+21671000000"},
    {"kind": "business", "company_name": "Garage du Lac", "tax_id": "1234567ABM000", "phone": "+21671000000"},
    {"kind": "guild", "last_name": "Inconnu", "phone": "+21620000001"},
    {"last_name": "Sans contact"},
    {"last_name": "Ville longue", "phone": "+21620000002", "city": "T" * 81, "address": "a" * 256},
]
CAR_CASES = [
    {"plate": "123 TU 4567", "make": "Peugeot", "model": "208", "year": 2015, "mileage": 120000},
    {"plate": "123 TU 4567", "make": "  Peugeot  ", "model": " 208 "},
    {"plate": "12345 RS", "make": "M" * 41, "model": "m" * 61, "year": 1949},
    {"plate": "12345 RS", "make": "Kia", "year": 2101, "mileage": -5},
    {"plate": "12345 RS", "make": ""},
]


def _outcome(validate, instance):
    try:
        validate(instance)
    except ValidationError as error:
        return {"errors": error.message_dict}
    return {"values": {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}}


def _admin_way(exclude):
    def validate(instance):
        instance.clean_fields(exclude=exclude)
        instance.clean()

    return validate


@pytest.mark.parametrize(
    ("model", "exclude", "cases"),
    [(Customer, _CUSTOMER_UNCHECKED, CUSTOMER_CASES), (Car, _CAR_UNCHECKED, CAR_CASES)],
)
def test_same_errors_and_values_as_clean_fields_then_clean(model, exclude, cases):
    validator = ImportValidator(model, exclude=exclude)
    for _round in range(2):  # the second round answers from the cache
        for values in cases:
            expected = _outcome(_admin_way(exclude), model(**values))
            assert _outcome(validator.validate, validator.build(values)) == expected, values


def test_build_matches_the_keyword_constructor():
    validator = ImportValidator(Customer, exclude=_CUSTOMER_UNCHECKED)
    built = validator.build({"last_name": "Ben Salah", "phone": "+21620123456"}, pk=42)
    plain = Customer(pk=42, last_name="Ben Salah", phone="+21620123456")
    assert built._state.adding and built.pk == 42
    assert {f.attname: getattr(built, f.attname) for f in Customer._meta.concrete_fields} == {
        f.attname: getattr(plain, f.attname) for f in Customer._meta.concrete_fields
    }


def test_cache_stays_bounded(monkeypatch):
    monkeypatch.setattr("workshop.imports.validation.CACHE_LIMIT", 10)
    validator = ImportValidator(Customer, exclude=_CUSTOMER_UNCHECKED)
    for n in range(50):
        validator.validate(validator.build({"last_name": f"Nom {n}", "phone": "+21620123456"}))
    assert len(validator._cleaned) <= 10


def test_refuses_fields_whose_clean_may_read_the_instance():
    with pytest.raises(TypeError):
        ImportValidator(Car, exclude=[])  # `owner` is a relation


def test_build_goes_through_the_constructor_when_someone_listens_to_post_init():
    from django.db.models.signals import post_init

    built = []

    def receiver(sender, instance, **kwargs):
        built.append(instance)

    post_init.connect(receiver, sender=Customer)
    try:
        validator = ImportValidator(Customer, exclude=_CUSTOMER_UNCHECKED)
        instance = validator.build({"last_name": "Ben Salah"})
    finally:
        post_init.disconnect(receiver, sender=Customer)
    assert built == [instance]
    assert ImportValidator(Customer, exclude=_CUSTOMER_UNCHECKED).build({"last_name": "x"}) not in built


class _AdminWayValidator(ImportValidator):
    """The reference: a keyword-built instance, then clean_fields(exclude=...) and clean(), as before the cache."""

    def __init__(self, model, *, exclude):
        super().__init__(model, exclude=exclude)
        self.exclude = list(exclude)

    def build(self, values, pk=None):
        return self.model(pk=pk, **values)

    def validate(self, instance):
        instance.clean_fields(exclude=self.exclude)
        instance.clean()


EXISTING_ROWS = [{"n": n} for n in (1, 2, 3)]
MIXED_FILE_ROWS = [
    # new rows repeating the same city/make/year (cache hits), bad values of every kind, updates of rows 1-3
    *[{"n": n} for n in (4, 5, 12, 13)],
    {"n": 6, "Nom": "N" * 81},
    {"n": 7, "Société": "Sans MF"},
    {"n": 8, "Marque": "M" * 41, "Modèle": "m" * 61},
    {"n": 9, "Ville": "V" * 81, "Adresse": "A" * 256},
    {"n": 10, "Nom": "", "Prénom": "Sans nom"},
    {"n": 11, "Email": "x" * 250 + "@exemple.tn"},
    {"n": 1, "Ville": "Bizerte", "Kilométrage": "90 000"},
    {"n": 2, "Nom": "N" * 81},
    {"n": 3, "Modèle": "m" * 61},
]


def _file(specs):
    from tests import factories as f

    rows = []
    for spec in specs:
        values = dict(spec)
        rows.append(f.garage_row(values.pop("n"), **values))
    return f.garage_csv(rows)


def _import_and_snapshot(user):
    import io

    from workshop.imports.importer import import_customers

    import_customers(stream=io.BytesIO(_file(EXISTING_ROWS)), file_name="base.csv", user=user)
    report = import_customers(
        stream=io.BytesIO(_file(MIXED_FILE_ROWS)), file_name="mixte.csv", skip_invalid=True, user=user
    )
    volatile = {"id", "history_id", "history_date", "created_at", "updated_at", "owner_id"}

    def rows(queryset):
        kept = (tuple(sorted((k, v) for k, v in row.items() if k not in volatile)) for row in queryset.values())
        return sorted(kept, key=repr)

    snapshot = {
        "report": {k: v for k, v in report.as_dict().items() if k != "file_name"},
        "customers": rows(Customer.objects.all()),
        "cars": rows(Car.objects.all()),
        "customer_history": rows(Customer.history.all()),
        "car_history": rows(Car.history.all()),
        "owners": sorted(Car.objects.values_list("plate", "owner__phone"), key=repr),
    }
    Car.objects.all().delete()
    Customer.objects.all().delete()
    Car.history.all().delete()  # after the rows, whose deletion writes history too
    Customer.history.all().delete()
    return snapshot


@pytest.mark.django_db
def test_an_import_writes_and_reports_exactly_what_the_admin_validation_would(monkeypatch, manager):
    fast = _import_and_snapshot(manager)
    monkeypatch.setattr("workshop.imports.rows.ImportValidator", _AdminWayValidator)
    reference = _import_and_snapshot(manager)
    assert fast["report"]["errors"], "the file must exercise the error paths"
    assert fast["report"]["rows_updated"] and fast["report"]["rows_new"]
    assert fast == reference
