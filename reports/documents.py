"""PDF documents (invoice, credit note, estimate, job card) rendered by WeasyPrint from Django templates.

One FontConfiguration and one compiled stylesheet serve every render: building them is the slow part.
Resources (logo, static files) are read from disk by our own URL fetcher; nothing is fetched from the network.
The PDF of an issued document carries fixed metadata (its issue date, an identifier derived from its number),
so it is byte-for-byte the same every time it is produced.

Fonts are embedded as subsets. Without HarfBuzz-Subset (libharfbuzz-subset0 missing or older than 4.1, colour or
variable fonts), WeasyPrint subsets with fontTools, which stamps each subset font's `head.modified` with the current
second: two renders a second apart then differ by a byte. fontTools reads that stamp from SOURCE_DATE_EPOCH when it is
set (the reproducible-builds convention), so this module pins it for the process, once, at import.
"""

import base64
import hashlib
import mimetypes
import os
import threading
from dataclasses import dataclass
from datetime import datetime, time
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from workshop.models import CreditNote, EInvoice, Invoice, Service, ServiceItem, WorkshopProfile
from workshop.money import ZERO, amount_in_words, to_millimes
from workshop.validators import format_phone, format_tax_id, plate_in_arabic

STYLESHEET = Path(__file__).resolve().parent.parent / "templates" / "documents" / "print.css"
BASE_URL = "ecar:/"  # relative URLs resolve under this scheme, which only our fetcher serves
ISSUED_INVOICE = (Invoice.Status.ISSUED, Invoice.Status.PARTIALLY_PAID, Invoice.Status.PAID, Invoice.Status.CANCELLED)
FONT_TIMESTAMP = "1672531200"  # 2023-01-01 00:00:00 UTC: the `modified` date of every embedded subset font


def pin_font_timestamp() -> None:
    """Make fontTools' subset fonts carry a fixed date instead of the clock (set once per process: the environment
    is shared by every thread, so it is never changed back and forth around a render)."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", FONT_TIMESTAMP)


pin_font_timestamp()


PNG_DATA_URI = "data:image/png;base64,"


class LocalFileFetcher(URLFetcher):
    """Serve `/static/…`, `/media/…` and `ecar:/…` from disk, and inline PNG (`data:image/png;base64,…`, the
    El Fatoora QR code); refuse every other URL (no network access)."""

    def fetch(self, url, headers=None):
        if url.startswith(PNG_DATA_URI):
            return URLFetcherResponse(
                url, base64.b64decode(url.removeprefix(PNG_DATA_URI)), {"Content-Type": "image/png"}
            )
        parsed = urlparse(url)
        if parsed.scheme not in ("ecar", "file", ""):
            raise ValueError(f"External resources are not fetched in documents: {url}")
        path = _local_path(unquote(parsed.path))
        if path is None:
            raise ValueError(f"No local file for {url}")
        mime_type, _encoding = mimetypes.guess_type(path.name)
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime_type or "application/octet-stream"})


def _local_path(url_path: str) -> Path | None:
    static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    media_prefix = "/" + settings.MEDIA_URL.strip("/") + "/"
    if url_path.startswith(media_prefix):
        root = Path(settings.MEDIA_ROOT).resolve()
        path = (root / url_path.removeprefix(media_prefix)).resolve()
        return path if path.is_file() and root in path.parents else None
    if url_path.startswith(static_prefix):
        found = finders.find(url_path.removeprefix(static_prefix))
        return Path(found) if found else None
    return None


@cache
def _font_config() -> FontConfiguration:
    return FontConfiguration()


@cache
def _url_fetcher() -> LocalFileFetcher:
    """One fetcher for every render: building one sets up urllib's handlers and an SSL context (~60 ms)."""
    return LocalFileFetcher()


@cache
def _stylesheet() -> CSS:
    return CSS(filename=str(STYLESHEET), font_config=_font_config(), url_fetcher=_url_fetcher())


@dataclass(frozen=True)
class PdfIdentity:
    """What makes a PDF reproducible: a stable identifier and a fixed date."""

    key: str
    created: datetime | None = None

    @property
    def identifier(self) -> bytes:
        return hashlib.sha256(self.key.encode()).hexdigest()[:32].encode()

    @property
    def w3c_date(self) -> str | None:
        return self.created.isoformat(timespec="seconds") if self.created else None


# WeasyPrint shares its fonts (Pango, FontConfig) between documents, and Pango is not safe across threads: eight
# invoices issued at once in threads (runserver, a threaded worker) crashed the process now and then (SIGSEGV in
# the line layout, WeasyPrint issue #1402). Layout and writing take turns; templates render side by side.
_LAYOUT = threading.Lock()


def _html(template_name: str, context: dict) -> HTML:
    """One document's HTML, in French whatever the user's language."""
    with translation.override("fr"):
        html = render_to_string(template_name, context)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=_url_fetcher())


def _layout(html: HTML):
    return html.render(stylesheets=[_stylesheet()], font_config=_font_config())


def _write(document, identity: PdfIdentity) -> bytes:
    document.metadata.created = identity.w3c_date
    document.metadata.modified = identity.w3c_date
    document.metadata.generator = "ECAR"
    document.metadata.authors = []
    return document.write_pdf(pdf_identifier=identity.identifier)


def render_pdf(template_name: str, context: dict, *, identity: PdfIdentity) -> bytes:
    html = _html(template_name, context)
    with _LAYOUT:
        return _write(_layout(html), identity)


def render_many(documents: list[tuple[str, dict]], *, identity: PdfIdentity) -> bytes:
    """Several documents in one PDF; each keeps its own page numbering."""
    pages_of = [_html(template_name, context) for template_name, context in documents]
    with _LAYOUT:
        rendered = [_layout(html) for html in pages_of]
        pages = [page for document in rendered for page in document.pages]
        return _write(rendered[0].copy(pages), identity)


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
