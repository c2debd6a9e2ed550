from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection

from workshop.admin.search import search_lookup

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only")
def test_searched_columns_have_trigram_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%_trgm"])
        names = {row[0] for row in cursor.fetchall()}
    assert {"workshop_customer_last_name_trgm", "workshop_customer_phone_trgm", "workshop_car_plate_trgm"} <= names


# Tables that stay small whatever the garage's activity (the catalogue, templates, staff accounts, import runs): a
# search reads them whole in no time.
SMALL_TABLES = {"workshop_part", "workshop_labouroperation", "workshop_notificationtemplate", "auth_user"}
SMALL_TABLES |= {"workshop_customerimport"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only")
def test_every_column_a_workshop_list_searches_has_its_trigram_index():
    """One searched column without its index makes the whole search read the table (migration 0023)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%_trgm"])
        names = {row[0] for row in cursor.fetchall()}
    missing, checked = [], 0
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "workshop":
            continue
        for name in model_admin.search_fields:
            *path, _ = search_lookup(name).split("__")
            target = model
            for part in path[:-1]:
                target = target._meta.get_field(part).related_model
            table, column = target._meta.db_table, target._meta.get_field(path[-1]).column
            checked += 1
            if table not in SMALL_TABLES and f"{table}_{column}_trgm" not in names:
                missing.append(f"{model.__name__}.{name}")
    assert checked > 40
    assert missing == []


def test_0018_fills_existing_invoices_in_from_their_jobs_car():
    from importlib import import_module

    from tests import factories as f
    from workshop.models import Invoice

    migration = import_module("workshop.migrations.0016_invoice_vehicle")
    service = f.ServiceFactory(car__plate="123 TU 4567", car__make="Renault", car__model="", mileage_in=4200)
    billed = f.InvoiceFactory(service=service, customer=service.customer)
    loose = f.InvoiceFactory()  # no job: nothing to name
    Invoice.objects.filter(pk__in=[billed.pk, loose.pk]).update(
        vehicle_plate="", vehicle_make_model="", vehicle_vin="", vehicle_mileage=None
    )
    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL)
    billed.refresh_from_db()
    loose.refresh_from_db()
    assert (billed.vehicle_plate, billed.vehicle_make_model, billed.vehicle_vin, billed.vehicle_mileage) == (
        "123 TU 4567",
        "Renault",
        "",
        4200,
    )
    assert (loose.vehicle_plate, loose.vehicle_mileage) == ("", None)


def test_0025_fills_each_jobs_labour_hours_from_its_lines_not_declined():
    from importlib import import_module

    from tests import factories as f
    from workshop.models import Service, ServiceItem

    migration = import_module("workshop.migrations.0025_service_labour_hours")
    worked, idle = f.ServiceFactory(), f.ServiceFactory()
    f.ServiceItemFactory(service=worked, kind=ServiceItem.Kind.LABOUR, quantity="1.5")
    f.ServiceItemFactory(service=worked, kind=ServiceItem.Kind.LABOUR, quantity="0.25")
    f.ServiceItemFactory(service=worked, kind=ServiceItem.Kind.PART, quantity="4")
    f.declined_line(service=worked, kind=ServiceItem.Kind.LABOUR, quantity="3")
    f.ServiceItemFactory(service=idle, kind=ServiceItem.Kind.PART)
    Service.objects.update(labour_hours=0)
    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL)
    assert dict(Service.objects.values_list("pk", "labour_hours")) == {
        worked.pk: Decimal("1.750"),
        idle.pk: Decimal("0.000"),
    }


def test_0026_copies_each_invoices_job_kind_and_mechanic_onto_it_and_its_history():
    from importlib import import_module

    from tests import factories as f
    from workshop.models import Invoice

    migration = import_module("workshop.migrations.0026_invoice_job_snapshot")
    mechanic = f.UserFactory()
    service = f.ServiceFactory(kind="bodywork", mechanic=mechanic)
    billed = f.InvoiceFactory(service=service, customer=service.customer)
    loose = f.InvoiceFactory()  # no job: nothing to copy
    Invoice.objects.filter(pk__in=[billed.pk, loose.pk]).update(job_kind="", mechanic=None)
    Invoice.history.update(job_kind="", mechanic=None)
    with connection.cursor() as cursor:
        for statement in migration.BACKFILL:
            cursor.execute(statement)
    billed.refresh_from_db()
    loose.refresh_from_db()
    assert (billed.job_kind, billed.mechanic_id) == ("bodywork", mechanic.pk)
    assert (loose.job_kind, loose.mechanic_id) == ("", None)
    assert set(billed.history.values_list("job_kind", "mechanic_id")) == {("bodywork", mechanic.pk)}
