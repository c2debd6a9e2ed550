"""Preparing and signing the El Fatoora record of an issued document; choosing the documents of a period.

Each operation is one transaction on the locked record. Nothing is stored unless it passed validation.
"""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from lxml import etree

from workshop.models import CreditNote, CreditNoteLine, EInvoice, Invoice, InvoiceLine

from . import signature, teif, validation

REBUILDABLE = (EInvoice.Status.PREPARED, EInvoice.Status.REFUSED)


class EInvoiceRefused(Exception):
    """An operation the record's state does not allow; the message says why."""


def issued_documents(*, date_from: date, date_to: date) -> list:
    """Issued invoices then credit notes of the period, by number, lines prefetched in print order."""
    lines = InvoiceLine.objects.order_by("position", "id")
    invoices = (
        Invoice.objects.exclude(status=Invoice.Status.DRAFT)
        .filter(issue_date__range=(date_from, date_to))
        .prefetch_related(Prefetch("lines", queryset=lines))
        .order_by("number")
    )
    notes = (
        CreditNote.objects.filter(status=CreditNote.Status.ISSUED, issue_date__range=(date_from, date_to))
        .select_related("invoice__einvoice")
        .prefetch_related(Prefetch("lines", queryset=CreditNoteLine.objects.order_by("position", "id")))
        .order_by("number")
    )
    return [*invoices, *notes]


def _is_issued(document) -> bool:
    return bool(document.number) and document.status != "draft"


def validated_xml(document) -> bytes:
    """The document's TEIF, validated; raises `validation.TeifInvalid` naming the document and the rules."""
    if not _is_issued(document):
        raise EInvoiceRefused(
            _("%(document)s n'est pas émis : seul un document émis a une facture électronique.")
            % {"document": document}
        )
    root = teif.build(document)
    validation.validate(root, document=document.number)
    return teif.to_bytes(root)


def _owner(document) -> dict:
    return {"credit_note": document} if isinstance(document, CreditNote) else {"invoice": document}


def prepare(*, document) -> EInvoice:
    """Make (or, after a refusal, remake) the document's TEIF record; validated before it is stored."""
    xml = validated_xml(document).decode()
    with transaction.atomic():
        record = EInvoice.objects.select_for_update().filter(**_owner(document)).first()
        if record is None:
            return EInvoice.objects.create(xml=xml, **_owner(document))
        if record.status not in REBUILDABLE:
            raise EInvoiceRefused(
                _("La facture électronique de %(document)s est « %(status)s » : elle ne se refait pas.")
                % {"document": document, "status": record.get_status_display()}
            )
        record.xml, record.signed_xml, record.status, record.error = xml, "", EInvoice.Status.PREPARED, ""
        record.save(update_fields=["xml", "signed_xml", "status", "error", "updated_at"])
        return record


def sign_record(*, record: EInvoice, seal=None) -> EInvoice:
    """Sign the prepared XML with the garage's seal (PKCS#12 from the settings unless given)."""
    with transaction.atomic():
        locked = EInvoice.objects.select_for_update().get(pk=record.pk)
        if locked.status != EInvoice.Status.PREPARED:
            raise EInvoiceRefused(
                _("Seule une facture électronique préparée se signe (celle-ci est « %(status)s »).")
                % {"status": locked.get_status_display()}
            )
        signed = signature.sign(etree.fromstring(locked.xml.encode()), seal)
        locked.signed_xml = etree.tostring(signed, xml_declaration=True, encoding="UTF-8").decode()
        locked.status = EInvoice.Status.SIGNED
        locked.save(update_fields=["signed_xml", "status", "updated_at"])
        return locked


def export_files(documents) -> tuple[list[tuple[str, bytes]], list[validation.TeifInvalid]]:
    """(file name, validated TEIF) of each document that passes, and the failures of those that do not."""
    files, failures = [], []
    for document in documents:
        try:
            files.append((teif.file_name(document), validated_xml(document)))
        except validation.TeifInvalid as failure:
            failures.append(failure)
    return files, failures


def export_zip(documents) -> tuple[bytes, list[validation.TeifInvalid]]:
    import io
    import zipfile

    files, failures = export_files(documents)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue(), failures


def documents_to_prepare(*, limit: int) -> list:
    """Issued invoices and credit notes dated from ECAR_EINVOICING_FROM that have no e-invoice yet."""
    start = settings.ECAR_EINVOICING_FROM
    if not (settings.ECAR_EINVOICING and start):
        return []
    start = date.fromisoformat(start)
    invoices = Invoice.objects.exclude(status=Invoice.Status.DRAFT).filter(issue_date__gte=start, einvoice__isnull=True)
    notes = CreditNote.objects.filter(status=CreditNote.Status.ISSUED, issue_date__gte=start, einvoice__isnull=True)
    lines = Prefetch("lines", queryset=InvoiceLine.objects.order_by("position", "id"))
    note_lines = Prefetch("lines", queryset=CreditNoteLine.objects.order_by("position", "id"))
    found = list(invoices.prefetch_related(lines).order_by("issue_date", "number")[:limit])
    notes = notes.select_related("invoice__einvoice").prefetch_related(note_lines).order_by("issue_date", "number")
    return found + list(notes[: max(0, limit - len(found))])


def prepare_pending(*, limit: int) -> tuple[int, list[validation.TeifInvalid]]:
    """Prepare the e-invoice of each document waiting for one; those failing validation are reported, not stored
    (they stay waiting until their identity is put right and a credit note replaces them if need be)."""
    prepared, failures = 0, []
    for document in documents_to_prepare(limit=limit):
        try:
            prepare(document=document)
            prepared += 1
        except validation.TeifInvalid as failure:
            failures.append(failure)
    return prepared, failures


def sign_pending(*, limit: int, seal=None) -> int:
    """Sign the prepared e-invoices with the garage's seal, when one is configured (ECAR_TEIF_P12)."""
    if seal is None and not settings.ECAR_TEIF_P12:
        return 0
    seal = seal or signature.load_seal()
    pending = EInvoice.objects.filter(status=EInvoice.Status.PREPARED).order_by("pk")[:limit]
    return len([sign_record(record=record, seal=seal) for record in list(pending)])
