"""Issuing refuses, when e-invoicing is on, what El Fatoora cannot carry: the garage's or a business customer's
matricule in a form TTN's schema refuses, a forfaitaire garage, or a private customer without CIN or carte de
séjour."""

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


def test_a_private_customer_without_cin_nor_carte_de_sejour_is_refused(einvoicing):
    WorkshopProfileFactory()
    draft = draft_for(CustomerFactory(first_name="Sami", last_name="Trabelsi"))
    with pytest.raises(TransitionRefused) as refused:
        billing.issue_invoice(invoice=draft, user=billing_clerk(), issue_date=date(2026, 1, 5))
    assert refused.value.messages == [
        "Facture électronique : le client Sami Trabelsi n'a ni CIN ni carte de séjour, par lesquelles El Fatoora "
        "identifie un particulier."
    ]
    draft.refresh_from_db()
    assert draft.status == Invoice.Status.DRAFT and draft.number is None


def test_the_cin_is_frozen_on_the_invoice_for_a_private_customer_only():
    person = CustomerFactory(national_id="01 234 567")
    assert billing.identity_snapshot(person, None)["customer_national_id"] == "01234567"
    business = BusinessCustomerFactory(national_id="012345678")
    assert billing.identity_snapshot(business, None)["customer_national_id"] == ""


@pytest.mark.parametrize("national_id", ["01234567", "123456789"])
def test_issuing_goes_on_when_everything_is_right_or_e_invoicing_is_off(settings, einvoicing, national_id):
    WorkshopProfileFactory()
    draft = draft_for(CustomerFactory(national_id=national_id))
    issued = billing.issue_invoice(invoice=draft, user=billing_clerk(), issue_date=date(2026, 1, 5))
    assert issued.status == Invoice.Status.ISSUED and issued.customer_national_id == national_id
    settings.ECAR_EINVOICING = False
    draft = draft_for(BusinessCustomerFactory(tax_id="1234567A"))
    assert billing.issue_invoice(invoice=draft, user=billing_clerk(), issue_date=date(2026, 1, 5)).number
    assert billing.issue_invoice(invoice=draft_for(CustomerFactory()), user=billing_clerk()).number


def test_a_cin_typed_after_the_draft_lets_it_be_issued(einvoicing):
    """The refusal names what to fix on the customer's page; once fixed there, the same draft is issued."""
    WorkshopProfileFactory()
    person = CustomerFactory(national_id="", last_name="Dridi", first_name="Amel")
    draft = draft_for(person)
    with pytest.raises(TransitionRefused, match="ni CIN ni carte de séjour"):
        billing.issue_invoice(invoice=draft, user=billing_clerk(), issue_date=date(2026, 1, 5))
    person.national_id, person.address = "01234567", "Rue de Marseille"
    person.save()
    issued = billing.issue_invoice(invoice=draft, user=billing_clerk(), issue_date=date(2026, 1, 5))
    assert (issued.customer_national_id, issued.customer_address) == ("01234567", "Rue de Marseille")
