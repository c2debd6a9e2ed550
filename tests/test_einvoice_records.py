"""The e-invoice record of a document (prepared, signed), the period export command and the admin's TEIF actions."""

import io
import zipfile
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.urls import reverse
from lxml import etree

from tests.factories import EInvoiceFactory, IssuedCreditNoteFactory, IssuedInvoiceFactory
from tests.pki import make_pki
from workshop.einvoice import records, signature
from workshop.einvoice.validation import TeifInvalid
from workshop.models import EInvoice, Invoice

pytestmark = pytest.mark.django_db
MATRICULE = "7654321WAM000"


def invoice_on(day, **kwargs):
    return IssuedInvoiceFactory(issue_date=day, due_date=day, customer_tax_id=MATRICULE, lines=[{}], **kwargs)


def test_prepare_stores_the_validated_xml_once_and_remakes_it_after_a_refusal():
    invoice = invoice_on(date(2026, 1, 10))
    record = records.prepare(document=invoice)
    assert record.status == EInvoice.Status.PREPARED and record.invoice == invoice
    assert etree.fromstring(record.xml.encode()).findtext(".//DocumentIdentifier") == invoice.number
    assert records.prepare(document=invoice).pk == record.pk
    EInvoice.objects.filter(pk=record.pk).update(status=EInvoice.Status.SUBMITTED, signed_xml="<TEIF/>")
    with pytest.raises(records.EInvoiceRefused, match="ne se refait pas"):
        records.prepare(document=invoice)
    EInvoice.objects.filter(pk=record.pk).update(status=EInvoice.Status.REFUSED, error="MF inconnu")
    again = records.prepare(document=invoice)
    assert (again.status, again.error, again.signed_xml) == (EInvoice.Status.PREPARED, "", "")


def test_an_invalid_document_is_not_stored():
    invoice = IssuedInvoiceFactory(lines=[{}])  # a person without identifier: TEIF cannot name the receiver
    with pytest.raises(TeifInvalid) as refused:
        records.prepare(document=invoice)
    assert refused.value.document == invoice.number
    assert not EInvoice.objects.exists()


def test_a_draft_has_no_e_invoice():
    draft = Invoice.objects.create(customer=invoice_on(date(2026, 1, 2)).customer, seller_tax_id="1234567ABM000")
    with pytest.raises(records.EInvoiceRefused):
        records.validated_xml(draft)


def test_the_database_refuses_a_record_of_two_documents_or_none():
    note = IssuedCreditNoteFactory(invoice=invoice_on(date(2026, 1, 3)))
    with pytest.raises(IntegrityError), transaction.atomic():
        EInvoice.objects.create(invoice=note.invoice, credit_note=note, xml="<TEIF/>")
    with pytest.raises(IntegrityError), transaction.atomic():
        EInvoice.objects.create(xml="<TEIF/>")
    with pytest.raises(IntegrityError), transaction.atomic():
        EInvoice.objects.create(invoice=note.invoice, xml="<TEIF/>", status=EInvoice.Status.ACCEPTED)


def test_teif_export_writes_one_validated_file_per_document(tmp_path):
    first = invoice_on(date(2026, 1, 5))
    note = IssuedCreditNoteFactory(invoice=first, issue_date=date(2026, 1, 20))
    invoice_on(date(2026, 2, 1))  # outside the period
    out = io.StringIO()
    call_command("teif_export", "--from", "2026-01-01", "--to", "2026-01-31", "--output", str(tmp_path), stdout=out)
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == sorted([f"TEIF_1234567ABM000_{first.number}.xml", f"TEIF_1234567ABM000_{note.number}.xml"])
    assert "2 fichier(s)" in out.getvalue()


def test_teif_export_fails_naming_the_document_and_the_rule(tmp_path):
    bad = IssuedInvoiceFactory(issue_date=date(2026, 1, 7), lines=[{}])  # no receiver identifier
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 document"):
        call_command("teif_export", "--from", "2026-01-01", "--to", "2026-01-31", "--output", str(tmp_path), stderr=err)
    assert f"{bad.number} [MessageRecieverIdentifier]" in err.getvalue()
    with pytest.raises(CommandError, match="postérieure"):
        call_command("teif_export", "--from", "2026-02-01", "--to", "2026-01-31", "--output", str(tmp_path))


def test_admin_column_filter_download_and_zip(manager_client):
    prepared = EInvoiceFactory()
    plain = invoice_on(date(2026, 1, 9))
    url = reverse("admin:workshop_invoice_changelist")
    page = manager_client.get(url).content.decode()
    assert "Préparée" in page and "Non préparée" in page
    filtered = manager_client.get(url, {"einvoice": "prepared"}).content.decode()
    assert prepared.invoice.number in filtered and plain.number not in filtered

    download = manager_client.get(reverse("admin:workshop_invoice_download_teif", args=[plain.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/xml"
    assert etree.fromstring(download.content).findtext(".//DocumentIdentifier") == plain.number
    stored = manager_client.get(reverse("admin:workshop_invoice_download_teif", args=[prepared.invoice.pk]))
    assert stored.content == prepared.xml.encode()

    response = manager_client.post(url, {"action": "export_teif", "_selected_action": [plain.pk, prepared.invoice.pk]})
    assert response["Content-Type"] == "application/zip"
    assert len(zipfile.ZipFile(io.BytesIO(response.content)).namelist()) == 2


def test_admin_zip_refuses_naming_the_failing_document(manager_client):
    bad = IssuedInvoiceFactory(lines=[{}])
    url = reverse("admin:workshop_invoice_changelist")
    response = manager_client.post(url, {"action": "export_teif", "_selected_action": [bad.pk]}, follow=True)
    assert f"{bad.number} : [MessageRecieverIdentifier]" in response.content.decode()
    download = manager_client.get(reverse("admin:workshop_invoice_download_teif", args=[bad.pk]), follow=True)
    assert "[MessageRecieverIdentifier]" in download.content.decode()


def test_documents_from_the_start_date_are_prepared_and_failures_reported(settings):
    settings.ECAR_EINVOICING, settings.ECAR_EINVOICING_FROM = True, "2026-01-10"
    before = invoice_on(date(2026, 1, 9))
    good = invoice_on(date(2026, 1, 12))
    bad = IssuedInvoiceFactory(issue_date=date(2026, 1, 13), lines=[{}])  # no receiver identifier
    note = IssuedCreditNoteFactory(invoice=good, issue_date=date(2026, 1, 14))
    prepared, failures = records.prepare_pending(limit=50)
    assert prepared == 2 and [failure.document for failure in failures] == [bad.number]
    assert set(EInvoice.objects.values_list("invoice", "credit_note")) == {(good.pk, None), (None, note.pk)}
    again, still_failing = records.prepare_pending(limit=50)  # prepared ones are not made twice
    assert again == 0 and [failure.document for failure in still_failing] == [bad.number]
    assert not EInvoice.objects.filter(invoice=before).exists()
    assert records.sign_pending(limit=50) == 0  # no seal configured: prepared records wait
    settings.ECAR_EINVOICING = False
    assert records.documents_to_prepare(limit=50) == []


def test_admin_prepare_action(manager_client):
    invoice = invoice_on(date(2026, 1, 9))
    shown = manager_client.get(reverse("admin:workshop_invoice_prepare_einvoice", args=[invoice.pk]))
    assert shown.status_code == 200 and not EInvoice.objects.filter(invoice=invoice).exists()  # GET only asks
    confirmed = {"_form_submitted": "1"}  # what the confirmation dialog posts
    response = manager_client.post(
        reverse("admin:workshop_invoice_prepare_einvoice", args=[invoice.pk]), confirmed, follow=True
    )
    assert "Préparée" in response.content.decode()
    assert EInvoice.objects.get(invoice=invoice).status == EInvoice.Status.PREPARED
    bad = IssuedInvoiceFactory(lines=[{}])
    response = manager_client.post(
        reverse("admin:workshop_invoice_prepare_einvoice", args=[bad.pk]), confirmed, follow=True
    )
    assert f"{bad.number} : [MessageRecieverIdentifier]" in response.content.decode()


def test_prepared_records_are_signed_with_the_configured_seal(settings, tmp_path_factory):
    pki = make_pki(tmp_path_factory)
    settings.ECAR_TEIF_P12, settings.ECAR_TEIF_P12_PASSWORD = pki["p12"], "secret"
    record = records.prepare(document=invoice_on(date(2026, 1, 9)))
    assert records.sign_pending(limit=10) == 1
    record.refresh_from_db()
    assert record.status == EInvoice.Status.SIGNED
    signature.verify(etree.fromstring(record.signed_xml.encode()), ca_pem_file=pki["ca"])
    with pytest.raises(records.EInvoiceRefused, match="préparée"):
        records.sign_record(record=record)
