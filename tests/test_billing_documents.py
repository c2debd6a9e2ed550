"""What every billing document copies and sums (workshop/billing/documents.py), seen on invoices: totals checked
against hand-computed figures, the stamp, the parties and the car as they were."""

from decimal import Decimal as D

import pytest
from django.test import override_settings

from tests import factories as f
from tests.billing_helpers import completed_job
from workshop import billing
from workshop.models import Service

pytestmark = pytest.mark.django_db


def test_totals_of_a_mixed_rate_invoice_match_the_hand_computed_figures(accountant, profile):
    invoice = billing.create_invoice_from_service(service=completed_job(), user=accountant)
    lines = list(invoice.lines.order_by("position"))
    assert [(line.total_ht, line.total_tva, line.total_ttc) for line in lines] == [
        (D("101.250"), D("19.238"), D("120.488")),
        (D("49.380"), D("9.382"), D("58.762")),
        (D("31.666"), D("2.217"), D("33.883")),
        (D("25.513"), D("0.000"), D("25.513")),
    ]
    assert (invoice.total_ht, invoice.total_tva, invoice.total_ttc) == (D("207.809"), D("30.837"), D("238.646"))
    assert (invoice.stamp_duty, invoice.net_to_pay) == (D("1.000"), D("239.646"))
    assert invoice.tva_breakdown() == [
        {"rate": 19, "base": D("150.630"), "tva": D("28.620")},
        {"rate": 7, "base": D("31.666"), "tva": D("2.217")},
        {"rate": 0, "base": D("25.513"), "tva": D("0.000")},
    ]
    assert invoice.amount_in_words == "deux cent trente-neuf dinars et six cent quarante-six millimes"


@override_settings(ECAR_STAMP_DUTY=D("0.600"))
def test_stamp_is_a_setting_and_waived_for_exempt_customers(accountant, profile):
    normal = billing.create_invoice_from_service(service=completed_job(), user=accountant)
    assert normal.stamp_duty == D("0.600")
    exempt = f.CustomerFactory(stamp_exempt=True)
    waived = billing.create_invoice_from_service(service=completed_job(car__owner=exempt), user=accountant)
    assert waived.stamp_duty == D("0.000")
    assert waived.net_to_pay == waived.total_ttc == D("238.646")


def test_the_invoice_copies_the_parties_so_later_edits_never_change_it(accountant, profile):
    customer = f.BusinessCustomerFactory(company_name="Transport Sahel SARL", address="Route de Tunis km 4")
    service = completed_job(car__owner=customer)
    invoice = billing.create_invoice_from_service(service=service, user=accountant)
    customer.company_name, customer.address = "Autre nom", "Autre adresse"
    customer.save()
    profile.name = "Nouveau garage"
    profile.save()
    invoice.refresh_from_db()
    assert (invoice.customer_name, invoice.customer_address) == ("Transport Sahel SARL", "Route de Tunis km 4")
    assert invoice.customer_tax_id == "1234567ABM000"
    assert invoice.customer_kind == "business"
    assert invoice.seller_name == "Garage ECAR SARL"
    assert invoice.seller_tax_id == "1234567ABM000"
    assert invoice.seller_rib == profile.rib


def test_the_invoice_names_the_vehicle_as_it_was_at_the_visit(accountant, profile):
    service = completed_job(
        car__plate="123 TU 4567", car__make="Renault", car__model="Clio", car__vin="VF1AB000123456789", mileage_in=98765
    )
    draft = billing.create_invoice_from_service(service=service, user=accountant)
    assert (draft.vehicle_plate, draft.vehicle_make_model, draft.vehicle_vin, draft.vehicle_mileage) == (
        "123 TU 4567",
        "Renault Clio",
        "VF1AB000123456789",
        98765,
    )
    car = service.car
    car.model = "Clio IV"  # corrected before issue: the issued invoice names the car as it is at issue
    car.save()
    issued = billing.issue_invoice(invoice=draft, user=accountant)
    car.plate, car.make, car.model, car.vin, car.mileage = "200 TU 1", "Kia", "Picanto", None, 150000
    car.save()
    issued.refresh_from_db()
    assert (issued.vehicle_plate, issued.vehicle_make_model, issued.vehicle_vin, issued.vehicle_mileage) == (
        "123 TU 4567",
        "Renault Clio IV",
        "VF1AB000123456789",
        98765,
    )


def test_the_invoice_keeps_the_jobs_kind_and_mechanic_as_they_were_at_issue(accountant, profile):
    """The revenue report groups invoices by this copy (reports.financial), without joining their jobs."""
    karim, hatem = f.UserFactory(username="karim"), f.UserFactory(username="hatem")
    service = completed_job(kind=Service.Kind.REPAIR, mechanic=karim)
    draft = billing.create_invoice_from_service(service=service, user=accountant)
    assert (draft.job_kind, draft.mechanic) == ("repair", karim)
    Service.objects.filter(pk=service.pk).update(kind=Service.Kind.BODYWORK, mechanic=hatem)  # corrected before issue
    issued = billing.issue_invoice(invoice=draft, user=accountant)
    Service.objects.filter(pk=service.pk).update(kind=Service.Kind.DIAGNOSIS, mechanic=None)
    issued.refresh_from_db()
    assert (issued.job_kind, issued.mechanic) == ("bodywork", hatem)
