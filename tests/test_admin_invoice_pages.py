"""The billing documents' pages in the admin: issued invoices, payments and credit notes read only, a draft's
deletion, issuing, paying and crediting from the invoice page."""

import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from tests import factories as f
from tests.admin_transition_helpers import S, _issued_invoice, action_url, change_url
from workshop import billing
from workshop.models import Invoice, Service

pytestmark = pytest.mark.django_db


def test_an_issued_invoice_is_read_only_and_cannot_be_deleted_in_the_admin(login, manager, accountant):
    invoice = _issued_invoice(accountant)
    client = login(manager)
    html = client.get(change_url(invoice)).content.decode()
    assert 'name="notes"' not in html and 'name="lines-0-unit_price"' not in html
    assert client.post(change_url(invoice), {"notes": "modifié"}).status_code == 403
    delete = reverse("admin:workshop_invoice_delete", args=[invoice.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Invoice.objects.get(pk=invoice.pk).notes != "modifié"


def test_deleting_a_draft_in_the_admin_reopens_its_job(login, manager, accountant):
    f.WorkshopProfileFactory()
    service = f.service_in_state(S.COMPLETED)
    draft = billing.create_invoice_from_service(service=service, user=accountant)
    login(manager).post(reverse("admin:workshop_invoice_delete", args=[draft.pk]), {"post": "yes"})
    assert not Invoice.objects.filter(pk=draft.pk).exists()
    assert Service.objects.get(pk=service.pk).status == S.COMPLETED


def test_issue_pay_and_credit_from_the_invoice_page(login, accountant):
    f.WorkshopProfileFactory()
    draft = billing.create_invoice_from_service(service=f.service_in_state(S.COMPLETED, items=2), user=accountant)
    client = login(accountant)
    assert action_url(draft, "transition-issue") in client.get(change_url(draft)).content.decode()
    client.post(action_url(draft, "transition-issue"), {"_form_submitted": "1", "expected_status": "draft"})
    draft.refresh_from_db()
    assert draft.status == "issued" and draft.number
    html = client.get(change_url(draft)).content.decode()
    assert action_url(draft, "record-payment") in html and action_url(draft, "transition-issue") not in html
    over = client.post(
        action_url(draft, "record-payment"),
        {
            "_form_submitted": "1",
            "expected_status": "issued",
            "amount": "9999",
            "method": "cash",
            "payment_date": "2026-01-05",
        },
    )
    assert over.status_code == 400 and "dépasse le reste dû" in over.content.decode()
    client.post(
        action_url(draft, "record-payment"),
        {
            "_form_submitted": "1",
            "expected_status": "issued",
            "amount": "100",
            "method": "card",
            "payment_date": "2026-01-05",
        },
    )
    draft.refresh_from_db()
    assert (draft.status, draft.amount_paid) == ("partially_paid", D("100.000"))
    line = draft.lines.first()
    client.post(
        action_url(draft, "credit-partial"),
        {"_form_submitted": "1", "expected_status": "partially_paid", "reason": "Remise", f"line_{line.pk}": "1"},
    )
    draft.refresh_from_db()
    assert (draft.amount_credited, draft.balance_due, draft.status) == (D("119.000"), D("20.000"), "partially_paid")
    assert draft.credit_notes.get().number.startswith("AV-")


def test_payments_and_credit_notes_are_read_only_pages(login, manager, accountant):
    invoice = _issued_invoice(accountant)
    payment = billing.record_payment(invoice=invoice, user=accountant, amount="10")
    client = login(manager)
    assert client.post(change_url(payment), {"amount": "1"}).status_code == 403
    assert client.get(reverse("admin:workshop_payment_add")).status_code == 403
    assert client.get(reverse("admin:workshop_creditnote_add")).status_code == 403
    assert client.get(reverse("admin:workshop_invoice_add")).status_code == 403


def test_the_partial_credit_note_dialog_shows_text_labels_and_boxed_inputs(login, accountant):
    """Its labels printed `<span class="ecar-money">76,000 DT</span>`; its inputs had none of unfold's classes."""
    invoice = _issued_invoice(accountant)
    html = login(accountant).get(action_url(invoice, "credit-partial")).content.decode()
    assert "&lt;span" not in html and "ecar-money" not in html
    line = invoice.lines.first()
    assert f"{line.description} (" in html
    for name in (f"line_{line.pk}", "reason"):
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert "border" in field, field
