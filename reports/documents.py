"""PDF documents (invoice, credit note, estimate, job card): the context each template prints, and the entry points.

The PDF of an issued document carries fixed metadata (its issue date, an identifier derived from its number),
so it is byte-for-byte the same every time it is produced. The rendering itself is `reports.pdf_rendering`'s.
"""

import base64
from datetime import datetime, time

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from reports.pdf_rendering import PNG_DATA_URI, PdfIdentity, render_many, render_pdf
from workshop.models import CreditNote, EInvoice, Invoice, Service, ServiceItem, WorkshopProfile
from workshop.money import ZERO, amount_in_words, to_millimes
from workshop.validators import format_phone, format_tax_id, plate_in_arabic

ISSUED_INVOICE = (Invoice.Status.ISSUED, Invoice.Status.PARTIALLY_PAID, Invoice.Status.PAID, Invoice.Status.CANCELLED)


# --- Contexts --------------------------------------------------------------------------------------


def _tva_breakdown(lines) -> list[dict]:
    """Base and tax per TVA rate, summed by the database."""
    return list(
        lines.order_by().values("tva_rate").annotate(base=Sum("total_ht"), tax=Sum("total_tva")).order_by("-tva_rate")
    )


def _frozen_seller(document) -> dict:
    """Everything an issued document prints about the garage, as copied when it was issued."""
    return {
        "name": document.seller_name,
        "address": document.seller_address,
        "city": "",
        "tax_id": format_tax_id(document.seller_tax_id),
        "rne": document.seller_rne,
        "phone": format_phone(document.seller_phone),
        "rib": document.seller_rib,
        "email": document.seller_email,
        "bank_name": document.seller_bank_name,
    }


def _frozen_logo_url(name: str) -> str:
    return f"/{settings.MEDIA_URL.strip('/')}/{name}" if name else ""


def _seller(document, profile: WorkshopProfile | None) -> dict:
    """Drafts print their copy of the parties completed by the current profile (or the profile alone)."""
    if document.seller_name or profile is None:
        return {
            "name": document.seller_name,
            "address": document.seller_address,
            "city": "",
            "tax_id": format_tax_id(document.seller_tax_id),
            "rne": document.seller_rne,
            "phone": format_phone(document.seller_phone),
            "rib": document.seller_rib,
            "email": profile.email if profile else "",
            "bank_name": profile.bank_name if profile else "",
        }
    return _seller_from_profile(profile)


def _customer(document) -> dict:
    customer = document.customer
    if document.customer_name:
        return {
            "name": document.customer_name,
            "address": document.customer_address,
            "city": document.customer_city,
            "tax_id": format_tax_id(document.customer_tax_id),
            "phone": format_phone(document.customer_phone),
        }
    return {
        "name": customer.display_name,
        "address": customer.address,
        "city": customer.city,
        "tax_id": customer.tax_id_display if customer.tax_id else "",
        "phone": customer.phone_display if customer.phone else "",
    }


def _vehicle(document) -> dict | None:
    """The car named on an invoice, as frozen into it (credit notes name their invoice instead)."""
    plate = getattr(document, "vehicle_plate", "")
    if not plate:
        return None
    return {
        "plate": plate,
        "plate_arabic": plate_in_arabic(plate),
        "make_model": document.vehicle_make_model,
        "vin": document.vehicle_vin,
        "mileage": document.vehicle_mileage,
    }


def _common(profile: WorkshopProfile | None) -> dict:
    return {
        "profile": profile,
        "logo_url": profile.logo.url if profile and profile.logo else "",
        "footer": profile.invoice_footer if profile else "",
    }


def _issued_document_context(document, *, title: str, profile: WorkshopProfile | None) -> dict:
    """Invoices and credit notes print the same way: frozen identities, lines, TVA per rate, amount in words.

    An issued document prints only what was frozen into it when it was issued (seller, bank, e-mail,
    footer, logo): editing the workshop profile afterwards never changes it. Drafts follow the profile.
    """
    is_draft = document.status == type(document).Status.DRAFT
    profile = profile or WorkshopProfile.load()
    lines = document.lines.all()
    if is_draft:
        printed = {**_common(profile), "seller": _seller(document, profile)}
    else:
        printed = {
            "profile": None,
            "logo_url": _frozen_logo_url(document.seller_logo),
            "footer": document.printed_footer,
            "seller": _frozen_seller(document),
        }
    return {
        **printed,
        "document": document,
        "title": title,
        "is_draft": is_draft,
        "customer": _customer(document),
        "vehicle": _vehicle(document),
        "lines": list(lines.order_by("position", "id")),
        "tva_breakdown": _tva_breakdown(lines),
        "amount_in_words": amount_in_words(document.net_to_pay),
        "einvoice": None if is_draft else _accepted_einvoice(document),
    }


def _accepted_einvoice(document) -> dict | None:
    """What the printed copy of an e-invoice TTN accepted carries: its reference, date and QR code."""
    owner = {"credit_note": document} if isinstance(document, CreditNote) else {"invoice": document}
    record = EInvoice.objects.filter(status=EInvoice.Status.ACCEPTED, **owner).first()
    if record is None:
        return None
    qr = bytes(record.qr_png) if record.qr_png else b""
    return {
        "reference": record.ttn_reference,
        "date": record.ttn_date,
        "qr_url": PNG_DATA_URI + base64.b64encode(qr).decode() if qr else "",
    }


def invoice_context(invoice: Invoice, profile: WorkshopProfile | None = None) -> dict:
    return _issued_document_context(invoice, title="Facture", profile=profile)


def credit_note_context(credit_note: CreditNote, profile: WorkshopProfile | None = None) -> dict:
    return _issued_document_context(credit_note, title="Avoir", profile=profile)


def service_context(service: Service, profile: WorkshopProfile | None = None) -> dict:
    """Estimate and job card share this: the job, its car and customer, its lines and their totals."""
    profile = profile or WorkshopProfile.load()
    items = service.items.all()
    stamp = ZERO if service.customer.stamp_exempt else to_millimes(settings.ECAR_STAMP_DUTY)
    return {
        **_common(profile),
        "service": service,
        "car": service.car,
        "customer_obj": service.customer,
        "seller": _seller_from_profile(profile),
        "customer": _customer_of_service(service),
        "lines": list(items.select_related("part", "labour").order_by("position", "id")),
        "tva_breakdown": _tva_breakdown(items.exclude(decision=ServiceItem.Decision.DECLINED)),
        "stamp_duty": stamp,
        "net_to_pay": service.total_ttc + stamp,
        "amount_in_words": amount_in_words(service.total_ttc + stamp),
    }


def _seller_from_profile(profile: WorkshopProfile | None) -> dict:
    if profile is None:
        return {}
    return {
        "name": profile.name,
        "address": profile.address,
        "city": profile.city,
        "tax_id": profile.tax_id_display,
        "rne": profile.rne,
        "phone": format_phone(profile.phone),
        "rib": profile.rib,
        "email": profile.email,
        "bank_name": profile.bank_name,
    }


def _customer_of_service(service: Service) -> dict:
    customer = service.customer
    return {
        "name": customer.display_name,
        "address": customer.address,
        "city": customer.city,
        "tax_id": customer.tax_id_display if customer.tax_id else "",
        "phone": customer.phone_display if customer.phone else "",
    }


# --- Public entry points ------------------------------------------------------------------------------


def _day_start(day) -> datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time(0, 0)))


def invoice_identity(invoice: Invoice) -> PdfIdentity:
    if invoice.number:
        return PdfIdentity(key=f"invoice:{invoice.number}", created=_day_start(invoice.issue_date))
    return PdfIdentity(key=f"invoice-draft:{invoice.pk}:{invoice.updated_at.isoformat()}", created=None)


def invoice_pdf(invoice: Invoice, profile: WorkshopProfile | None = None) -> bytes:
    return render_pdf("documents/invoice.html", invoice_context(invoice, profile), identity=invoice_identity(invoice))


def invoices_pdf(invoices: list[Invoice]) -> bytes:
    """The selected invoices, in the given order, as one PDF (the admin's bulk action)."""
    profile = WorkshopProfile.load()
    key = "invoices:" + ",".join(invoice.number or f"draft-{invoice.pk}" for invoice in invoices)
    return render_many(
        [("documents/invoice.html", invoice_context(invoice, profile)) for invoice in invoices],
        identity=PdfIdentity(key=key),
    )


def credit_note_pdf(credit_note: CreditNote, profile: WorkshopProfile | None = None) -> bytes:
    key = f"credit-note:{credit_note.number}" if credit_note.number else f"credit-note-draft:{credit_note.pk}"
    identity = PdfIdentity(key=key, created=_day_start(credit_note.issue_date) if credit_note.number else None)
    return render_pdf("documents/credit_note.html", credit_note_context(credit_note, profile), identity=identity)


def estimate_pdf(service: Service, profile: WorkshopProfile | None = None) -> bytes:
    """The estimate with each line's answer (proposed, approved, declined: declined lines count for nothing);
    once answered it is the approved estimate the customer can download from the approval page."""
    context = {
        **service_context(service, profile),
        "title": "Devis",
        "valid_days": settings.ECAR_ESTIMATE_VALID_DAYS,
        "show_decisions": True,
        "answered": service.items.filter(decision=ServiceItem.Decision.APPROVED).exists(),
    }
    return render_pdf("documents/estimate.html", context, identity=PdfIdentity(key=f"estimate:{service.reference}"))


def job_card_pdf(service: Service, profile: WorkshopProfile | None = None) -> bytes:
    context = {**service_context(service, profile), "title": "Ordre de réparation"}
    return render_pdf("documents/job_card.html", context, identity=PdfIdentity(key=f"job-card:{service.reference}"))


def pdf_filename(prefix: str, reference: str | None) -> str:
    """`facture-F-2026-00077.pdf`; a reference that already starts with the prefix is not prefixed twice
    (the job card is `OR-2026-00219.pdf`, not `OR-OR-2026-00219.pdf`)."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in (reference or "brouillon"))
    return f"{safe}.pdf" if safe.startswith(f"{prefix}-") else f"{prefix}-{safe}.pdf"
