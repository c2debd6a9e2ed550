"""Document downloads from the admin: detail buttons, the bulk invoice PDF, and who may download what."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests import factories as f


@pytest.fixture(autouse=True)
def profile(db):
    return f.WorkshopProfileFactory()


def pdf_text(response) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_invoice_page_offers_the_pdf_and_serves_it(manager_client):
    invoice = f.IssuedInvoiceFactory(number="F-2026-00077")
    change = manager_client.get(reverse("admin:workshop_invoice_change", args=[invoice.pk])).content.decode()
    url = reverse("admin:workshop_invoice_download_invoice_pdf", args=[invoice.pk])
    assert url in change
    response = manager_client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="facture-F-2026-00077.pdf"' in response["Content-Disposition"]
    assert "F-2026-00077" in pdf_text(response)


def test_credit_note_pdf_download(login, accountant):
    credit_note = f.IssuedCreditNoteFactory(number="AV-2026-00003")
    response = login(accountant).get(
        reverse("admin:workshop_creditnote_download_credit_note_pdf", args=[credit_note.pk])
    )
    assert response.status_code == 200
    assert "AV-2026-00003" in pdf_text(response)


def test_bulk_action_renders_selected_invoices_in_one_pdf(manager_client):
    invoices = [f.IssuedInvoiceFactory(number=f"F-2026-0090{i}") for i in range(3)]
    other = f.IssuedInvoiceFactory(number="F-2026-00999")
    response = manager_client.post(
        reverse("admin:workshop_invoice_changelist"),
        {"action": "invoices_as_one_pdf", "_selected_action": [invoice.pk for invoice in invoices]},
    )
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert all(invoice.number in text for invoice in invoices)
    assert other.number not in text
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 3


def test_job_card_and_estimate_for_an_adviser(login, adviser):
    item = f.ServiceItemFactory(description="Vidange moteur")
    client = login(adviser)
    service = item.service
    card = client.get(reverse("admin:workshop_service_download_job_card", args=[service.pk]))
    estimate = client.get(reverse("admin:workshop_service_download_estimate", args=[service.pk]))
    assert service.reference in pdf_text(card)
    assert "Devis" in pdf_text(estimate) and "119,000" in pdf_text(estimate)


def test_mechanic_gets_his_job_card_but_no_estimate_and_no_one_elses_job(login, mechanic):
    own = f.ServiceFactory(mechanic=mechanic)
    other = f.ServiceFactory()
    client = login(mechanic)
    assert client.get(reverse("admin:workshop_service_download_job_card", args=[own.pk])).status_code == 200
    assert client.get(reverse("admin:workshop_service_download_estimate", args=[own.pk])).status_code == 403
    assert client.get(reverse("admin:workshop_service_download_job_card", args=[other.pk])).status_code == 404
    change = client.get(reverse("admin:workshop_service_change", args=[own.pk])).content.decode()
    assert reverse("admin:workshop_service_download_job_card", args=[own.pk]) in change
    assert reverse("admin:workshop_service_download_estimate", args=[own.pk]) not in change


def test_mechanic_cannot_download_invoices(login, mechanic):
    invoice = f.IssuedInvoiceFactory()
    response = login(mechanic).get(reverse("admin:workshop_invoice_download_invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 403
