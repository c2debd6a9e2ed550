"""Seeded invoices are computed by the billing code, numbered without gaps, settled coherently, idempotent."""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from tests.test_demo import hand_amounts
from workshop import demo
from workshop.models import CreditNote, Invoice, Payment, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("load_reference_data", verbosity=0)
    demo.ensure_demo_users()
    return demo.seed(customers=40, batch_size=25)


def test_every_invoiced_or_delivered_job_gets_one_issued_invoice(seeded):
    billed = Service.objects.filter(status__in=Service.FROZEN_STATUSES)
    assert seeded.invoices == billed.count() > 0
    assert Invoice.objects.filter(service__in=billed).count() == billed.count()
    assert not Invoice.objects.filter(service__status=Service.Status.COMPLETED).exists()
    assert not Invoice.objects.filter(status="draft").exists()


def test_seeded_numbers_are_gapless_per_year_and_in_date_order(seeded):
    by_year = defaultdict(list)
    for number, issue_date in Invoice.objects.values_list("number", "issue_date"):
        by_year[issue_date.year].append((int(number.rsplit("-", 1)[1]), issue_date))
    for rows in by_year.values():
        rows.sort()
        assert [n for n, _ in rows] == list(range(1, len(rows) + 1))
        assert [d for _, d in rows] == sorted(d for _, d in rows)


def expected_status(invoice) -> str:
    """The rule stated independently of the model: cancelled by a total credit note, paid when nothing is left,
    partly paid once anything came in, else issued."""
    if invoice.credit_notes.filter(is_total=True).exists():
        return "cancelled"
    settled = invoice.amount_paid + invoice.amount_withheld + invoice.amount_credited
    if settled == invoice.net_to_pay:
        return "paid"
    return "partially_paid" if invoice.amount_paid + invoice.amount_withheld > 0 else "issued"


def test_seeded_amounts_add_up(seeded):
    stamp = Decimal("1.000")
    for invoice in Invoice.objects.select_related("service").prefetch_related("lines", "payments"):
        lines = list(invoice.lines.order_by("position"))
        items = list(invoice.service.items.order_by("position", "id"))
        assert [(li.description, li.quantity, li.unit_price, li.tva_rate) for li in lines] == [
            (it.description, it.quantity, it.unit_price, it.tva_rate) for it in items
        ]  # the job's lines, frozen into the invoice
        amounts = [hand_amounts(line) for line in lines]
        assert [(line.total_ht, line.total_tva, line.total_ttc) for line in lines] == amounts
        assert invoice.total_ht == sum(ht for ht, _, _ in amounts)
        assert invoice.total_tva == sum(tva for _, tva, _ in amounts)
        assert invoice.net_to_pay == invoice.total_ht + invoice.total_tva + (0 if invoice.stamp_exempt else stamp)
        assert invoice.amount_paid == sum(p.amount for p in invoice.payments.all())
        assert invoice.amount_paid + invoice.amount_withheld + invoice.amount_credited <= invoice.net_to_pay
        assert invoice.status == expected_status(invoice)
    assert Payment.objects.exists()
    assert Invoice.objects.filter(status="issued").exists()  # receivables for the reports
    credited = CreditNote.objects.aggregate(total=Sum("net_to_pay"))["total"] or 0
    assert credited == (Invoice.objects.aggregate(total=Sum("amount_credited"))["total"] or 0)


def test_seeded_invoices_have_history(seeded):
    invoice = Invoice.objects.first()
    assert invoice.history.count() == 1


def test_a_second_run_adds_no_invoice(seeded):
    before = (Invoice.objects.count(), Payment.objects.count(), CreditNote.objects.count())
    again = demo.seed(customers=40, batch_size=25)
    assert (again.invoices, again.payments, again.credit_notes) == (0, 0, 0)
    assert (Invoice.objects.count(), Payment.objects.count(), CreditNote.objects.count()) == before
