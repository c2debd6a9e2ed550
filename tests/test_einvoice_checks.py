"""Issuing refuses, when e-invoicing is on, what El Fatoora cannot carry: the garage's or a business customer's
matricule in a form TTN's schema refuses, or a forfaitaire garage."""

from datetime import date

import pytest

from tests.factories import (
    BusinessCustomerFactory,
    CustomerFactory,
    InvoiceLineFactory,
    WorkshopProfileFactory,
    billing_clerk,
)
from workshop import billing
from workshop.einvoice.checks import matricule_problem
from workshop.models import Invoice, WorkshopProfile
from workshop.workflows import TransitionRefused

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1234567/A/B/M/000", None),
        ("", "aucun matricule"),
        ("1234567A", "lettre-clé"),
        ("1234567AFM000", "forfaitaire"),
        ("1234567ABE000", "catégorie E"),
        ("1234567ABM001", "établissement principal"),
        ("12345", "n'a pas la forme"),
    ],
)
def test_matricule_problems_are_named(value, expected):
    problem = matricule_problem(value)
    assert problem is None if expected is None else expected in problem


def draft_for(customer) -> Invoice:
    invoice = Invoice.objects.create(
        customer=customer,
        **billing.identity_snapshot(customer, WorkshopProfile.load()),
    )
    InvoiceLineFactory(invoice=invoice)
    return invoice


@pytest.fixture
def einvoicing(settings):
    settings.ECAR_EINVOICING = True


def test_a_business_customer_with_a_short_matricule_is_refused(einvoicing):
    WorkshopProfileFactory()
    draft = draft_for(BusinessCustomerFactory(tax_id="1234567A", company_name="Sahel SARL"))
    with pytest.raises(TransitionRefused, match="du client Sahel SARL ne convient pas"):
        billing.issue_invoice(invoice=draft, user=billing_clerk(), issue_date=date(2026, 1, 5))
    draft.refresh_from_db()
    assert draft.status == Invoice.Status.DRAFT and draft.number is None


def test_a_garage_whose_matricule_teif_refuses_cannot_issue(einvoicing):
    WorkshopProfileFactory(tax_id="1234567ABE000")
    draft = draft_for(CustomerFactory())
    with pytest.raises(TransitionRefused, match="l'atelier"):
        billing.issue_invoice(invoice=draft, user=billing_clerk(), issue_date=date(2026, 1, 5))


def test_issuing_goes_on_when_everything_is_right_or_e_invoicing_is_off(settings, einvoicing):
    WorkshopProfileFactory()
    issued = billing.issue_invoice(
        invoice=draft_for(CustomerFactory()), user=billing_clerk(), issue_date=date(2026, 1, 5)
    )
    assert issued.status == Invoice.Status.ISSUED  # an individual is not refused (no matricule to check)
    settings.ECAR_EINVOICING = False
    draft = draft_for(BusinessCustomerFactory(tax_id="1234567A"))
    assert billing.issue_invoice(invoice=draft, user=billing_clerk(), issue_date=date(2026, 1, 5)).number
