"""TTN's El Fatoora web service (SOAP 1.1, zeep): deposit a signed TEIF (`saveEfact`), then ask for TTN's answer
(`consultEfact`) until it gives its reference (`RefTtnVal`) or refuses the document.

Off unless `ECAR_TTN_WSDL`, `ECAR_TTN_LOGIN`, `ECAR_TTN_PASSWORD` and `ECAR_TTN_MATRICULE` are all set. The
operations' types come from TTN's live WSDL (its XSD is not public); the parameter names used here are the ones
public clients use (`login`, `password`, `matricule`, `documentEfact`; `efactCriteria.idSaveEfact`). Uncertain,
and written as such below: how TTN says « refused » (acknowledgements without a generated reference).
"""

import base64
import logging
from dataclasses import dataclass
from datetime import datetime

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from lxml import etree

from workshop.models import EInvoice

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TtnValidation:
    reference: str
    date: datetime | None
    qr_png: bytes | None
    xml: str


def enabled() -> bool:
    names = ("ECAR_TTN_WSDL", "ECAR_TTN_LOGIN", "ECAR_TTN_PASSWORD", "ECAR_TTN_MATRICULE")
    return all(getattr(settings, name, "") for name in names)


def _client():
    from zeep import Client, Settings
    from zeep.transports import Transport

    transport = Transport(timeout=settings.ECAR_TTN_TIMEOUT, operation_timeout=settings.ECAR_TTN_TIMEOUT)
    return Client(settings.ECAR_TTN_WSDL, transport=transport, settings=Settings(strict=False))


def _credentials() -> dict:
    return {
        "login": settings.ECAR_TTN_LOGIN,
        "password": settings.ECAR_TTN_PASSWORD,
        "matricule": settings.ECAR_TTN_MATRICULE,
    }


def _plain(value):
    from zeep.helpers import serialize_object

    return serialize_object(value, dict)


def _find(value, name: str):
    """The first value under key `name` anywhere in zeep's answer (dicts and lists), case-insensitive."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key.lower() == name.lower() and item not in (None, "", []):
                return item
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = _find(item, name)
            if found not in (None, "", []):
                return found
    return None


def _local(element) -> str:
    return etree.QName(element).localname.lower() if isinstance(element.tag, str) else ""


def parse_ref_ttn_val(teif_xml: bytes) -> TtnValidation:
    """TTN's reference I-88, its date (ddMMyyHHmm, Africa/Tunis) and the QR code of the TEIF TTN sends back."""
    root = etree.fromstring(teif_xml)
    block = next((el for el in root if _local(el) == "refttnval"), None)
    if block is None:
        raise ValueError("The TEIF returned by TTN has no RefTtnVal.")
    children = {_local(child): child for child in block}
    reference = children.get("referencettn", children.get("reference"))
    when = children.get("referencedate")
    qr = children.get("referencecev")
    date = None
    text = "".join(when.itertext()).strip() if when is not None else ""
    if text:
        date = timezone.make_aware(datetime.strptime(text[:10], "%d%m%y%H%M"))
    png = base64.b64decode("".join(qr.itertext())) if qr is not None else None
    return TtnValidation((reference.text or "").strip(), date, png, teif_xml.decode())


def _attempted(record: EInvoice, **fields) -> None:
    record.attempts += 1
    record.last_attempt_at = timezone.now()
    for name, value in fields.items():
        setattr(record, name, value)
    record.save(update_fields=["attempts", "last_attempt_at", *fields, "updated_at"])


def submit(*, record: EInvoice) -> EInvoice:
    """Deposit a signed e-invoice. A SOAP fault is TTN refusing it; a timeout or network error leaves it
    signed, to be tried again by the periodic task."""
    from zeep.exceptions import Fault

    with transaction.atomic():
        locked = EInvoice.objects.select_for_update().get(pk=record.pk)
        if locked.status != EInvoice.Status.SIGNED:
            return locked
        try:
            answer = _client().service.saveEfact(**_credentials(), documentEfact=locked.signed_xml.encode())
        except Fault as fault:
            _attempted(locked, status=EInvoice.Status.REFUSED, error=f"saveEfact : {fault.message}")
            return locked
        except (requests.RequestException, OSError) as error:
            logger.warning("saveEfact of %s failed: %s", locked, error)
            _attempted(locked, error=f"saveEfact : {error.__class__.__name__} {error}")
            return locked
        plain = _plain(answer)
        save_id = _find(plain, "idSaveEfact") if isinstance(plain, (dict, list)) else plain
        _attempted(locked, status=EInvoice.Status.SUBMITTED, ttn_save_id=str(save_id or "").strip()[:64], error="")
        return locked


def _acknowledgements(item) -> str:
    found = _find(item, "listAcknowlegments") or _find(item, "listAcknowledgments") or []
    found = found if isinstance(found, list) else [found]
    return "; ".join(
        " ".join(str(part) for part in (entry.values() if isinstance(entry, dict) else [entry]) if part)
        for entry in found
    )


def poll(*, record: EInvoice) -> EInvoice:
    """Ask TTN about a submitted e-invoice: accepted (its RefTtnVal stored), refused (its reasons), or not yet."""
    from zeep.exceptions import Fault

    with transaction.atomic():
        locked = EInvoice.objects.select_for_update().get(pk=record.pk)
        if locked.status != EInvoice.Status.SUBMITTED:
            return locked
        criteria = {"idSaveEfact": locked.ttn_save_id} if locked.ttn_save_id else {"documentNumber": str(locked)}
        try:
            answer = _plain(_client().service.consultEfact(**_credentials(), efactCriteria=criteria))
        except (Fault, requests.RequestException, OSError) as error:
            logger.warning("consultEfact of %s failed: %s", locked, error)
            _attempted(locked, error=f"consultEfact : {getattr(error, 'message', None) or error}")
            return locked
        content = _find(answer, "xmlContent")
        if _find(answer, "generatedRef") and content:
            teif = content if isinstance(content, bytes) else base64.b64decode(content)
            validation = parse_ref_ttn_val(teif)
            _attempted(
                locked,
                status=EInvoice.Status.ACCEPTED,
                ttn_reference=validation.reference or str(_find(answer, "generatedRef")),
                ttn_date=validation.date,
                qr_png=validation.qr_png,
                ttn_xml=validation.xml,
                error="",
            )
            return locked
        reasons = _acknowledgements(answer)
        if reasons:  # uncertain: TTN's answer for a refusal is read as acknowledgements without a reference
            _attempted(locked, status=EInvoice.Status.REFUSED, error=reasons)
        else:
            _attempted(locked)
        return locked


def run_pending() -> dict:
    """What the periodic task does: deposit the signed e-invoices, then ask about the submitted ones."""
    if not enabled():
        return {}
    counts: dict[str, int] = {}
    batch = settings.ECAR_TTN_BATCH
    for operation, status in ((submit, EInvoice.Status.SIGNED), (poll, EInvoice.Status.SUBMITTED)):
        for record in list(EInvoice.objects.filter(status=status).order_by("pk")[:batch]):
            outcome = operation(record=record).status
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts
