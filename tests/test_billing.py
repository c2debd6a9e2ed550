"""Billing: totals checked against hand-computed figures, numbering, payments, withholding, credit notes,
immutability of issued documents below the admin, and numbering under real concurrency on PostgreSQL."""

import threading
import time
from datetime import date, timedelta
from decimal import Decimal as D
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from tests import factories as f
from workshop import billing
from workshop.models import (
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    LockedError,
    Payment,
    Service,
)
from workshop.workflows import TransitionRefused

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year

# Hand-computed, each line rounded half-up to the millime:
#  1. 2.5 h x 45.000 -10 % at 19 %: HT 101.250, TVA 19.2375 -> 19.238, TTC 120.488
#  2. 4 x 12.345 at 19 %:           HT  49.380, TVA  9.3822 ->  9.382, TTC  58.762
#  3. 1 x 33.333 -5 % at 7 %:        HT 31.66635 -> 31.666, TVA 2.21662 -> 2.217, TTC 33.883
#  4. 3 x 10.005 -15 % at 0 %:       HT 25.51275 -> 25.513, TVA 0, TTC 25.513
# HT 207.809, TVA 30.837, TTC 238.646, stamp 1.000, net 239.646
MIXED_LINES = [
    {"quantity": "2.5", "unit_price": "45.000", "discount_percent": "10", "tva_rate": 19},
    {"quantity": "4", "unit_price": "12.345", "discount_percent": "0", "tva_rate": 19},
    {"quantity": "1", "unit_price": "33.333", "discount_percent": "5", "tva_rate": 7},
    {"quantity": "3", "unit_price": "10.005", "discount_percent": "15", "tva_rate": 0},
]


def _completed_job(lines=MIXED_LINES, **service_kwargs):
    service = f.ServiceFactory(status=Service.Status.COMPLETED, **service_kwargs)
    for position, line in enumerate(lines):
        f.ServiceItemFactory(service=service, position=position, **line)
    return service


@pytest.fixture
def profile(db):
    return f.WorkshopProfileFactory()


@pytest.fixture
def issued(accountant, profile):
    invoice = billing.create_invoice_from_service(service=_completed_job(), user=accountant)
    return billing.issue_invoice(invoice=invoice, user=accountant)


def test_totals_of_a_mixed_rate_invoice_match_the_hand_computed_figures(accountant, profile):
    invoice = billing.create_invoice_from_service(service=_completed_job(), user=accountant)
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
    normal = billing.create_invoice_from_service(service=_completed_job(), user=accountant)
    assert normal.stamp_duty == D("0.600")
    exempt = f.CustomerFactory(stamp_exempt=True)
    waived = billing.create_invoice_from_service(service=_completed_job(car__owner=exempt), user=accountant)
    assert waived.stamp_duty == D("0.000")
    assert waived.net_to_pay == waived.total_ttc == D("238.646")


def test_the_invoice_copies_the_parties_so_later_edits_never_change_it(accountant, profile):
    customer = f.BusinessCustomerFactory(company_name="Transport Sahel SARL", address="Route de Tunis km 4")
    service = _completed_job(car__owner=customer)
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
    service = _completed_job(
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


def test_lines_keep_the_part_and_its_cost_for_margins(accountant, profile):
    part = f.PartFactory(unit_price="25.000", purchase_price="15.500")
    service = f.ServiceFactory(status=Service.Status.COMPLETED)
    f.ServiceItemFactory(service=service, part=part, unit_price=None, description="")
    line = billing.create_invoice_from_service(service=service, user=accountant).lines.get()
    assert (line.part, line.unit_cost, line.reference, line.description) == (
        part,
        D("15.500"),
        part.reference,
        part.name,
    )


def test_a_job_is_invoiced_once(accountant, profile):
    service = _completed_job()
    billing.create_invoice_from_service(service=service, user=accountant)
    with pytest.raises(TransitionRefused, match="déjà une facture"):
        billing.create_invoice_from_service(service=service, user=accountant)


def test_only_a_completed_job_is_invoiced(accountant, profile):
    service = f.service_in_state(Service.Status.IN_PROGRESS)
    with pytest.raises(TransitionRefused, match="Seul un ordre terminé"):
        billing.create_invoice_from_service(service=service, user=accountant)


def test_issuing_numbers_the_invoice_dates_it_and_sets_the_due_date(accountant, profile):
    invoice = billing.create_invoice_from_service(service=_completed_job(), user=accountant)
    assert invoice.number is None
    issued = billing.issue_invoice(invoice=invoice, user=accountant, issue_date=date(YEAR, 3, 10))
    assert issued.number == f"F-{YEAR}-00001"
    assert issued.status == Invoice.Status.ISSUED
    assert issued.issue_date == date(YEAR, 3, 10)
    assert issued.due_date == date(YEAR, 3, 10) + timedelta(days=profile.default_payment_terms_days)
    assert issued.issued_by == accountant
    assert issued.history.first().history_user == accountant


def test_a_draft_never_issued_uses_no_number(accountant, profile):
    left_as_draft = billing.create_invoice_from_service(service=_completed_job(), user=accountant)
    second = billing.create_invoice_from_service(service=_completed_job(), user=accountant)
    assert billing.issue_invoice(invoice=second, user=accountant).number == f"F-{YEAR}-00001"
    third = billing.create_invoice_from_service(service=_completed_job(), user=accountant)
    assert billing.issue_invoice(invoice=third, user=accountant).number == f"F-{YEAR}-00002"
    left_as_draft.refresh_from_db()
    assert left_as_draft.number is None


@pytest.mark.parametrize("role", ["adviser", "mechanic"])
def test_issuing_is_refused_to_roles_without_the_permission(request, role, accountant, profile):
    invoice = billing.create_invoice_from_service(service=_completed_job(), user=accountant)
    with pytest.raises(TransitionRefused) as refused:
        billing.issue_invoice(invoice=invoice, user=request.getfixturevalue(role))
    assert refused.value.code == "forbidden"
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number) == ("draft", None)


def test_an_issued_invoice_cannot_be_issued_twice(issued, accountant):
    with pytest.raises(TransitionRefused):
        billing.issue_invoice(invoice=issued, user=accountant)


def test_partial_then_full_payment_and_over_payment_refused(issued, accountant):
    billing.record_payment(invoice=issued, user=accountant, amount="100.000", method="cash")
    issued.refresh_from_db()
    assert (issued.status, issued.amount_paid, issued.balance_due) == ("partially_paid", D("100.000"), D("139.646"))
    with pytest.raises(Exception, match="dépasse le reste dû"):
        billing.record_payment(invoice=issued, user=accountant, amount="139.647", method="card")
    issued.refresh_from_db()
    assert issued.amount_paid == D("100.000") and issued.payments.count() == 1
    payment = billing.record_payment(
        invoice=issued, user=accountant, amount="139.646", method="cheque", reference="CHQ 123"
    )
    assert payment.received_by == accountant and payment.history.first().history_user == accountant
    issued.refresh_from_db()
    assert (issued.status, issued.balance_due) == ("paid", D("0.000"))
    with pytest.raises(TransitionRefused, match="impossible"):
        billing.record_payment(invoice=issued, user=accountant, amount="1.000")


def test_a_draft_cannot_be_paid(accountant, profile):
    draft = billing.create_invoice_from_service(service=_completed_job(), user=accountant)
    with pytest.raises(TransitionRefused):
        billing.record_payment(invoice=draft, user=accountant, amount="10.000")
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amounts", [("0", "0"), ("-5", "0")])
def test_empty_or_negative_payments_are_refused(issued, accountant, amounts):
    with pytest.raises(Exception, match="positifs"):
        billing.record_payment(invoice=issued, user=accountant, amount=amounts[0], withholding_amount=amounts[1])


def test_an_adviser_cannot_record_a_payment(issued, adviser):
    with pytest.raises(TransitionRefused) as refused:
        billing.record_payment(invoice=issued, user=adviser, amount="10.000")
    assert refused.value.code == "forbidden"


def _big_business_invoice(accountant, unit_price="1000.000", kind="business"):
    customer = f.BusinessCustomerFactory(kind=kind)
    job = _completed_job(lines=[{"quantity": "1", "unit_price": unit_price, "tva_rate": 19}], car__owner=customer)
    invoice = billing.create_invoice_from_service(service=job, user=accountant)
    return billing.issue_invoice(invoice=invoice, user=accountant)


@pytest.mark.parametrize("kind", ["business", "public"])
def test_withholding_settles_a_company_invoice_of_1000_or_more(accountant, profile, kind):
    invoice = _big_business_invoice(accountant, kind=kind)  # HT 1000, TTC 1190, net 1191
    assert invoice.withholding_eligible
    assert billing.withholding_due(invoice) == D("11.900")  # 1 % of 1 190.000 TTC
    billing.record_payment(
        invoice=invoice,
        user=accountant,
        amount="1179.100",
        withholding_amount="11.900",
        withholding_certificate="RS-2026-77",
        method="transfer",
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid, invoice.amount_withheld) == ("paid", D("1179.100"), D("11.900"))
    assert invoice.payments.get().withholding_certificate == "RS-2026-77"


@override_settings(ECAR_WITHHOLDING_RATE=D("1.5"))
def test_withholding_rate_is_a_setting(accountant, profile):
    assert billing.withholding_due(_big_business_invoice(accountant)) == D("17.850")


def test_withholding_is_refused_for_individuals_below_the_threshold_and_beyond_the_rate(accountant, profile):
    individual = billing.issue_invoice(
        invoice=billing.create_invoice_from_service(
            service=_completed_job(lines=[{"quantity": "1", "unit_price": "2000.000"}]), user=accountant
        ),
        user=accountant,
    )
    with pytest.raises(Exception, match="Pas de retenue"):
        billing.record_payment(invoice=individual, user=accountant, amount="100", withholding_amount="23.800")
    small = _big_business_invoice(accountant, unit_price="840.335")  # TTC 999.999
    assert not small.withholding_eligible
    with pytest.raises(Exception, match="Pas de retenue"):
        billing.record_payment(invoice=small, user=accountant, amount="100", withholding_amount="9.999")
    big = _big_business_invoice(accountant)
    with pytest.raises(Exception, match="dépasse ce qui reste à retenir"):
        billing.record_payment(invoice=big, user=accountant, amount="100", withholding_amount="11.901")
    assert not Payment.objects.exists()


def test_receivables_know_what_is_due_and_since_when(issued, accountant):
    billing.record_payment(invoice=issued, user=accountant, amount="39.646")
    later = date.today() + timedelta(days=365)
    rows = billing.receivables_by_customer(as_of=later)
    assert rows == [
        {
            "customer_id": issued.customer_id,
            "customer_name": issued.customer_name,
            "due": D("200.000"),
            "overdue": D("200.000"),
            "to_return": D("0"),
            "oldest_due_date": issued.due_date,
        }
    ]
    issued.refresh_from_db()
    assert issued.due_date == issued.issue_date + timedelta(days=30)  # the profile's default terms
    assert issued.days_overdue == 0  # issued today: not due yet
    with mock.patch("django.utils.timezone.localdate", return_value=later):
        assert issued.days_overdue == 365 - 30


def test_partial_credit_notes_then_a_total_one_cancel_the_invoice_to_the_millime(issued, accountant):
    line2 = issued.lines.get(position=1)
    first = billing.create_credit_note(
        invoice=issued, user=accountant, reason="Pièce non posée", quantities={line2.pk: 1}
    )
    assert first.number == f"AV-{YEAR}-00001"
    assert (first.is_total, first.status, first.stamp_duty) == (False, "issued", D("0.000"))
    assert (first.total_ht, first.total_tva, first.total_ttc, first.net_to_pay) == (
        D("12.345"),
        D("2.346"),
        D("14.691"),
        D("14.691"),
    )
    issued.refresh_from_db()
    assert (issued.status, issued.amount_credited, issued.balance_due) == ("issued", D("14.691"), D("224.955"))
    # The rest of line 2 gets the exact remainder (3 x 12.345 alone would round its TVA to 7.037).
    second = billing.create_credit_note(invoice=issued, user=accountant, reason="Reste", quantities={line2.pk: 3})
    assert (second.total_ht, second.total_tva, second.total_ttc) == (D("37.035"), D("7.036"), D("44.071"))
    assert second.number == f"AV-{YEAR}-00002"
    total = billing.create_credit_note(invoice=issued, user=accountant, reason="Annulation")
    assert total.is_total and total.stamp_duty == D("1.000")
    assert total.net_to_pay == D("180.884")  # 120.488 + 33.883 + 25.513 + stamp
    assert total.lines.count() == 3
    issued.refresh_from_db()
    assert (issued.status, issued.amount_credited, issued.balance_due) == ("cancelled", D("239.646"), D("0.000"))
    with pytest.raises(TransitionRefused):
        billing.create_credit_note(invoice=issued, user=accountant, reason="Encore")


def test_a_total_credit_note_cancels_the_invoice_and_lets_the_job_be_invoiced_again(issued, accountant):
    note = billing.create_credit_note(invoice=issued, user=accountant, reason="Erreur de client")
    assert note.is_total and note.net_to_pay == issued.net_to_pay
    assert (note.customer_name, note.seller_name) == (issued.customer_name, issued.seller_name)
    issued.refresh_from_db()
    assert issued.status == Invoice.Status.CANCELLED
    again = billing.create_invoice_from_service(service=issued.service, user=accountant)
    assert again.status == "draft" and again.net_to_pay == issued.net_to_pay


def test_credit_notes_refuse_what_cannot_be_credited(issued, accountant, adviser):
    line1 = issued.lines.get(position=0)
    with pytest.raises(Exception, match="il en reste"):
        billing.create_credit_note(invoice=issued, user=accountant, reason="Trop", quantities={line1.pk: 3})
    with pytest.raises(Exception, match="motif"):
        billing.create_credit_note(invoice=issued, user=accountant, reason=" ")
    with pytest.raises(TransitionRefused):
        billing.create_credit_note(invoice=issued, user=adviser, reason="Pas mon rôle")
    billing.record_payment(invoice=issued, user=accountant, amount="230.000")
    with pytest.raises(Exception, match="dépasse le reste dû"):
        billing.create_credit_note(invoice=issued, user=accountant, reason="Geste", quantities={line1.pk: 1})
    assert not CreditNote.objects.exists()


def test_a_partial_credit_note_never_exceeds_what_is_still_owed_even_naming_every_line(accountant, profile):
    # 1 x 100.000 + 1 x 21.000 at 19 %: TTC 119.000 + 24.990 = 143.990, stamp 1.000, net 144.990.
    lines = [
        {"quantity": "1", "unit_price": "100.000", "discount_percent": "0", "tva_rate": 19},
        {"quantity": "1", "unit_price": "21.000", "discount_percent": "0", "tva_rate": 19},
    ]
    invoice = billing.create_invoice_from_service(service=_completed_job(lines=lines), user=accountant)
    invoice = billing.issue_invoice(invoice=invoice, user=accountant)
    billing.record_payment(invoice=invoice, user=accountant, amount="100.000")
    assert (invoice.net_to_pay, invoice.balance_due) == (D("144.990"), D("44.990"))
    every_line = {line.pk: 1 for line in invoice.lines.all()}
    with pytest.raises(ValidationError) as refused:
        billing.create_credit_note(invoice=invoice, user=accountant, reason="Geste", quantities=every_line)
    message = " ".join(refused.value.messages).replace("\u202f", " ").replace("\xa0", " ")
    assert "L'avoir partiel (144,990 DT) dépasse le reste dû (44,990 DT)" in message
    assert "avoir total" in message
    assert not CreditNote.objects.exists()
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_credited, invoice.balance_due) == ("partially_paid", D("0"), D("44.990"))


def test_a_partial_credit_note_naming_every_line_of_an_unpaid_invoice_is_a_total_one(accountant, profile):
    invoice = billing.create_invoice_from_service(service=_completed_job(), user=accountant)
    invoice = billing.issue_invoice(invoice=invoice, user=accountant)
    every_line = {line.pk: line.quantity for line in invoice.lines.all()}
    note = billing.create_credit_note(invoice=invoice, user=accountant, reason="Erreur", quantities=every_line)
    assert (note.is_total, note.net_to_pay) == (True, D("239.646"))
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance_due) == ("cancelled", D("0"))


def test_a_paid_invoice_is_cancelled_by_a_total_credit_note_only(issued, accountant):
    billing.record_payment(invoice=issued, user=accountant, amount=issued.net_to_pay)
    line = issued.lines.get(position=0)
    with pytest.raises(TransitionRefused, match="avoir total"):
        billing.create_credit_note(invoice=issued, user=accountant, reason="Geste", quantities={line.pk: 1})
    billing.create_credit_note(invoice=issued, user=accountant, reason="Annulation")
    issued.refresh_from_db()
    assert (issued.status, issued.balance_due, issued.money_to_return) == ("cancelled", D("-239.646"), D("239.646"))


def test_a_credit_note_on_a_draft_is_refused(accountant, profile):
    draft = billing.create_invoice_from_service(service=_completed_job(), user=accountant)
    with pytest.raises(TransitionRefused, match="facture émise"):
        billing.create_credit_note(invoice=draft, user=accountant, reason="Non")


def test_an_issued_invoice_is_never_edited_nor_deleted_from_code(issued):
    issued.customer_name = "Falsifié"
    with pytest.raises(LockedError, match="avoir"):
        issued.save()
    with pytest.raises(LockedError):
        issued.delete()
    with pytest.raises(LockedError):
        Invoice.objects.filter(pk=issued.pk).update(notes="modifié")
    with pytest.raises(LockedError):
        Invoice.objects.filter(pk=issued.pk).delete()
    with pytest.raises(LockedError), transaction.atomic():  # bulk_update's own block has no savepoint
        Invoice.objects.bulk_update([issued], ["customer_name"])
    line = issued.lines.first()
    line.unit_price = D("1.000")
    with pytest.raises(LockedError):
        line.save()
    with pytest.raises(LockedError):
        line.delete()
    with pytest.raises(LockedError):
        InvoiceLine.objects.filter(invoice=issued).update(unit_price=0)
    with pytest.raises(LockedError):
        InvoiceLine.objects.filter(invoice=issued).delete()
    with pytest.raises(LockedError):
        InvoiceLine(invoice=issued, description="Ajout", quantity=1, unit_price=5).save()
    fresh = Invoice.objects.get(pk=issued.pk)
    assert fresh.customer_name != "Falsifié" and fresh.lines.count() == 4 and fresh.net_to_pay == D("239.646")


def test_a_draft_stays_editable_and_its_totals_follow_its_lines(accountant, profile):
    draft = billing.create_invoice_from_service(service=_completed_job(), user=accountant)
    line = draft.lines.get(position=3)
    line.quantity = D("1")  # 10.005 -15 % = 8.50425 -> 8.504
    line.save()
    assert line.total_ht == D("8.504")
    billing.refresh_invoice_totals(invoice=draft)
    assert draft.total_ht == D("207.809") - D("25.513") + D("8.504")
    Invoice.objects.filter(pk=draft.pk).update(notes="ok")


def test_issued_credit_notes_and_payments_are_never_edited_nor_deleted(issued, accountant):
    payment = billing.record_payment(invoice=issued, user=accountant, amount="10.000")
    line = issued.lines.get(position=1)
    note = billing.create_credit_note(invoice=issued, user=accountant, reason="Geste", quantities={line.pk: 1})
    for guarded in (payment, note, note.lines.first()):
        with pytest.raises(LockedError):
            guarded.save()
        with pytest.raises(LockedError):
            guarded.delete()
    with pytest.raises(LockedError):
        CreditNote.objects.filter(pk=note.pk).update(reason="x")
    with pytest.raises(LockedError):
        CreditNote.objects.all().delete()
    with pytest.raises(LockedError):
        CreditNoteLine.objects.all().update(quantity=0)
    with pytest.raises(LockedError):
        Payment.objects.all().update(amount=0)
    with pytest.raises(LockedError):
        Payment.objects.all().delete()
    assert Payment.objects.get().amount == D("10.000")


def test_bulk_issue_numbers_in_creation_order_and_reports_refusals(accountant, profile):
    drafts = [billing.create_invoice_from_service(service=_completed_job(), user=accountant) for _ in range(3)]
    issued_one = billing.issue_invoice(invoice=drafts[1], user=accountant)
    done, refusals = billing.issue_invoices(invoices=list(reversed(drafts)), user=accountant)
    assert [i.number for i in done] == [f"F-{YEAR}-00002", f"F-{YEAR}-00003"]
    assert [i.pk for i in done] == [drafts[0].pk, drafts[2].pk]
    assert len(refusals) == 1 and issued_one.number in refusals[0] and "a changé entre-temps" in refusals[0]


def test_a_stale_draft_copy_cannot_overwrite_an_invoice_issued_meanwhile(accountant, profile):
    draft = billing.create_invoice_from_service(service=_completed_job(), user=accountant)
    stale = Invoice.objects.get(pk=draft.pk)
    issued = billing.issue_invoice(invoice=draft, user=accountant)
    stale.customer_name = "Falsifié"
    with pytest.raises(LockedError, match="avoir"), transaction.atomic():  # the refused UPDATE rolls its block back
        stale.save()
    fresh = Invoice.objects.get(pk=draft.pk)
    assert (fresh.customer_name, fresh.status, fresh.number) == (issued.customer_name, "issued", issued.number)
    assert fresh.history.count() == 2  # created, issued: nothing recorded for the refused write


def test_issuing_recomputes_the_totals_from_the_lines_in_the_same_audited_write(accountant, profile):
    draft = billing.create_invoice_from_service(service=_completed_job(), user=accountant)
    line = draft.lines.get(position=3)
    line.quantity = D("1")  # 10.005 -15 % = 8.50425 -> 8.504, totals not refreshed by hand
    line.save()
    issued = billing.issue_invoice(invoice=draft, user=accountant)
    expected_ht = D("207.809") - D("25.513") + D("8.504")
    assert issued.total_ht == expected_ht and Invoice.objects.get(pk=draft.pk).total_ht == expected_ht
    latest = issued.history.first()
    assert (latest.status, latest.total_ht, latest.history_user) == ("issued", expected_ht, accountant)


def test_a_payment_brings_the_callers_copy_up_to_date(accountant, profile):
    draft = billing.create_invoice_from_service(service=_completed_job(), user=accountant)
    assert draft.issued_by is None  # cached on the copy
    billing.issue_invoice(invoice=draft, user=accountant)
    issued = draft  # the caller's copy, read as a draft before it was issued
    billing.record_payment(invoice=issued, user=accountant, amount="100.000", method="cash")
    assert issued.issued_by == accountant and issued.number == f"F-{YEAR}-00001"
    fresh = Invoice.objects.get(pk=issued.pk)
    for field in Invoice._meta.concrete_fields:
        assert getattr(issued, field.attname) == getattr(fresh, field.attname), field.name
    billing.record_payment(invoice=issued, user=accountant, amount=issued.balance_due, method="card")
    assert (issued.status, issued.balance_due) == ("paid", D("0.000"))
    issued.notes = "modifié"
    with pytest.raises(LockedError):
        issued.save()


# Counted inside the test's transaction: each operation's atomic block adds a SAVEPOINT and its RELEASE
# (two queries that a real request, in autocommit, does not run). The user's permissions are already
# cached on the user object, as they are for the rest of a request. Twelve lines show the count does not
# grow with the invoice.
QUERIES_TO_CREATE_A_DRAFT = (
    13  # lock+job, items, open invoices, job update+history (savepoint), profile, invoice+history, lines
)
QUERIES_TO_ISSUE = 8  # lock+invoice, lines, profile (frozen into the invoice), next number, update, history
QUERIES_TO_RECORD_A_PAYMENT = 7  # lock+invoice, update, history, payment, payment history


def test_billing_one_invoice_runs_a_fixed_number_of_queries(
    accountant, profile, django_assert_max_num_queries, django_assert_num_queries
):
    service = _completed_job(lines=MIXED_LINES * 3)
    assert accountant.has_perm("workshop.issue_invoice")  # loads the permission cache
    with django_assert_max_num_queries(QUERIES_TO_CREATE_A_DRAFT):
        draft = billing.create_invoice_from_service(service=service, user=accountant)
    with django_assert_max_num_queries(QUERIES_TO_ISSUE):
        issued = billing.issue_invoice(invoice=draft, user=accountant)
    with django_assert_max_num_queries(QUERIES_TO_RECORD_A_PAYMENT):
        billing.record_payment(invoice=issued, user=accountant, amount=issued.net_to_pay, method="card")
    assert (issued.number, issued.status, issued.lines.count()) == (f"F-{YEAR}-00001", "paid", 12)


@pytest.mark.concurrency
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_twenty_invoices_issued_at_once_get_twenty_consecutive_numbers():
    from workshop.roles import sync_roles

    sync_roles()
    accountant = f.UserFactory(username="comptable-c", role="Comptable")
    f.WorkshopProfileFactory()
    drafts = [billing.create_invoice_from_service(service=_completed_job(), user=accountant) for _ in range(20)]
    barrier = threading.Barrier(len(drafts))
    numbers, errors = [], []

    def issue(invoice):
        try:
            barrier.wait()
            numbers.append(billing.issue_invoice(invoice=invoice, user=accountant).number)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(invoice,)) for invoice in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [f"F-{YEAR}-{n:05d}" for n in range(1, 21)]
    assert Invoice.objects.filter(status="issued").count() == 20


def _waits_on_a_lock(pid: int, timeout: float = 10.0) -> bool:
    """True once PostgreSQL shows backend `pid` blocked on a lock (pg_stat_activity), not merely still running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            row = cursor.fetchone()
        if row and row[0] == "Lock":
            return True
        time.sleep(0.02)
    return False


@pytest.mark.concurrency
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_a_line_added_while_the_draft_is_being_issued_waits_and_is_refused():
    from workshop.roles import sync_roles

    sync_roles()
    accountant = f.UserFactory(username="comptable-l", role="Comptable")
    f.WorkshopProfileFactory()
    draft = billing.create_invoice_from_service(service=_completed_job(), user=accountant)
    issuing_holds_the_lock, editor_connected, outcome = threading.Event(), threading.Event(), {}

    def add_line():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            outcome["pid"] = cursor.fetchone()[0]
        editor_connected.set()
        issuing_holds_the_lock.wait()
        try:
            InvoiceLine(invoice_id=draft.pk, description="Ajout tardif", quantity=1, unit_price=10).save()
            outcome["line"] = "saved"
        except LockedError as error:
            outcome["line"] = str(error)
        finally:
            connection.close()

    editor = threading.Thread(target=add_line)
    editor.start()
    with transaction.atomic():
        Invoice.objects.select_for_update().get(pk=draft.pk)  # what issuing does first
        assert editor_connected.wait(timeout=10)
        issuing_holds_the_lock.set()
        assert _waits_on_a_lock(outcome["pid"]), "the line edit must wait for the issuing transaction's row lock"
        assert editor.is_alive() and "line" not in outcome
        issued = billing.issue_invoice(invoice=draft, user=accountant)
    editor.join(timeout=10)
    assert "Une facture émise ne peut être ni modifiée" in outcome["line"]
    assert issued.lines.count() == InvoiceLine.objects.filter(invoice=draft).count()


@pytest.mark.concurrency
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_six_parallel_invoicings_of_one_job_make_one_invoice():
    """Finding 2: after the lock, the "already billed" check read the snapshot taken before it, and the job's
    new « Facturé » status fell into the re-billing branch: 6 clicks made 6 drafts."""
    from workshop.roles import sync_roles

    sync_roles()
    accountant = f.UserFactory(username="comptable-f", role="Comptable")
    f.WorkshopProfileFactory()
    service = _completed_job()
    barrier = threading.Barrier(6)
    outcomes = []

    def bill():
        try:
            copy = Service.objects.get(pk=service.pk)  # each click's own page
            barrier.wait()
            billing.create_invoice_from_service(service=copy, user=accountant)
            outcomes.append("created")
        except TransitionRefused as exc:
            outcomes.append(" ".join(exc.messages))
        except Exception as exc:
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=bill) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refusal = f"L'ordre {service.reference} a déjà une facture en cours."
    assert sorted(outcomes) == sorted(["created"] + [refusal] * 5)
    assert Invoice.objects.filter(service=service).count() == 1
    assert Service.objects.get(pk=service.pk).status == Service.Status.INVOICED


def test_billing_a_job_whose_draft_exists_is_refused_even_from_a_stale_copy(accountant, profile):
    service = _completed_job()
    stale = Service.objects.get(pk=service.pk)
    billing.create_invoice_from_service(service=service, user=accountant)
    with pytest.raises(TransitionRefused, match="déjà une facture en cours"):
        billing.create_invoice_from_service(service=stale, user=accountant)
    assert Invoice.objects.filter(service=service).count() == 1
