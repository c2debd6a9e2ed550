"""TEIF 1.8.8 XML of an issued invoice (I-11) or credit note (I-12), built from the document's frozen rows only.

Everything written here comes from what the document froze when it was issued (parties, lines, totals, bank
account): the live customer or garage profile is never read, so the XML of a document never changes. A credit
note also carries TTN's reference of its invoice once TTN accepted the invoice (a reference that never changes).
TTN's format as known is summed up in `/work/shared/teif.md`; the choices that no public text settles are
marked « uncertain » below and kept simple (the validator in `workshop.einvoice.validation` checks the
arithmetic they must satisfy).
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone
from lxml import etree

from workshop.money import amount_in_words, to_millimes

VERSION = "1.8.8"
INVOICE = "I-11"
CREDIT_NOTE = "I-12"
DOCUMENT_NAMES = {INVOICE: "Facture", CREDIT_NOTE: "Facture d'avoir"}
WORDS_LENGTH = 200  # AmountDescription: the amount in words, cut beyond (94 494 494 494.494 takes 201 characters)
PERCENTAGE_LENGTH = 5  # Pcd/Percentage
# I-01 as TTN's schema asserts it (compact, 13 characters, principal establishment only).
MATRICULE_TEIF = re.compile(r"^[0-9]{7}[ABCDEFGHJKLMNPQRSTVWXYZ][ABDNP][CMNP]000$")


@dataclass(frozen=True)
class PartyId:
    type: str  # I-01 matricule fiscal, I-02 CIN, I-03 carte de séjour, I-04 matricule fiscal non tunisien
    value: str


def teif_amount(value) -> str:
    """A dot and three decimals (TND millimes), no thousands separator: `1234.500`."""
    amount = to_millimes(value)
    return f"{amount if amount else abs(amount):.3f}"  # never "-0.000"


def teif_date(value: date) -> str:
    return value.strftime("%d%m%y")


def teif_rate(value) -> str:
    return format(Decimal(value).normalize(), "f")


def teif_percentage(value) -> str:
    """A discount as `Pcd/Percentage` holds it (5 characters): `12.5`, `33.33`, `100`. A value with more than two
    decimals is written as it is, for the validator to refuse (rounding it would change the line's amount)."""
    value = Decimal(value)
    two_places = value.quantize(Decimal("0.01"))
    return teif_rate(two_places if two_places == value else value)


def teif_quantity(value) -> str:
    return f"{Decimal(value).quantize(Decimal('0.001')):.3f}"


def compact(value: str) -> str:
    return re.sub(r"[\s/.\-]", "", value or "").upper()


def seller_id(document) -> PartyId:
    return PartyId("I-01", compact(document.seller_tax_id))


def receiver_id(document) -> PartyId:
    """A business by its matricule (I-01); a person by their CIN (I-02, 8 digits) or carte de séjour (I-03, 9
    digits). With neither, an empty CIN, which the validator refuses (issuing already reported it: `checks`)."""
    tax_id = compact(document.customer_tax_id)
    if tax_id:
        return PartyId("I-01", tax_id)
    national_id = document.customer_national_id
    return PartyId("I-03" if len(national_id) == 9 else "I-02", national_id)


def document_type(document) -> str:
    from workshop.models import CreditNote

    return CREDIT_NOTE if isinstance(document, CreditNote) else INVOICE


def _sub(parent, tag, text=None, **attributes):
    element = etree.SubElement(parent, tag, {key: str(value) for key, value in attributes.items()})
    if text is not None:
        element.text = str(text)
    return element


def _cut(text, limit: int) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _moa(parent, wrapper: str, code: str, amount, words: str | None = None):
    moa = _sub(_sub(parent, wrapper), "Moa", amountTypeCode=code, currencyCodeList="ISO_4217")
    _sub(moa, "Amount", teif_amount(amount), currencyIdentifier="TND")
    if words:
        _sub(moa, "AmountDescription", _cut(words, WORDS_LENGTH), lang="fr")


def _tax_name(parent, code: str, name: str, rate) -> None:
    _sub(parent, "TaxTypeName", name, code=code)
    _sub(_sub(parent, "TaxDetails"), "TaxRate", teif_rate(rate))


def _partner(section, function_code: str, party: PartyId, *, name, address, city, business: bool):
    details = _sub(section, "PartnerDetails", functionCode=function_code)
    nad = _sub(details, "Nad")
    _sub(nad, "PartnerIdentifier", party.value, type=party.type)
    _sub(nad, "PartnerName", _cut(name, 200), nameType="Qualification" if business else "Physical")
    addresses = _sub(nad, "PartnerAdresses", lang="fr")
    _sub(addresses, "AdressDescription", _cut(address or city or "-", 500))
    if city:
        _sub(addresses, "CityName", _cut(city, 35))
    _sub(addresses, "Country", "TN", codeList="ISO_3166-1")
    return details


def _contacts(details, document) -> None:
    for means, value in (("I-101", document.seller_phone), ("I-103", document.seller_email)):
        if value:
            cta = _sub(details, "CtaSection")
            contact = _sub(cta, "Contact", functionCode="I-94")
            _sub(contact, "ContactIdentifier", "CONTACT")
            _sub(contact, "ContactName", _cut(document.seller_name, 200))
            communication = _sub(cta, "Communication")
            _sub(communication, "ComMeansType", means)
            _sub(communication, "ComAdress", _cut(value, 500))


def _payment(body, invoice) -> None:
    """Payment terms, and the garage's bank account when it has one (I-114 transfer, else I-111 basic)."""
    rib = re.sub(r"\D", "", invoice.seller_rib or "")
    terms = _sub(_sub(body, "PytSection"), "PytSectionDetails")
    pyt = _sub(terms, "Pyt")
    _sub(pyt, "PaymentTearmsTypeCode", "I-114" if rib else "I-111")
    if invoice.payment_terms_days:
        text = f"Paiement à {invoice.payment_terms_days} jours, au plus tard le {invoice.due_date:%d/%m/%Y}"
    else:
        text = "Paiement comptant à réception"
    if rib:
        text += f" ; virement sur le RIB {invoice.seller_rib}"
        if invoice.seller_bank_name:
            text += f" ({invoice.seller_bank_name})"
    _sub(pyt, "PaymentTearmsDescription", _cut(text + ".", 500))
    if rib:
        fii = _sub(terms, "PytFii", functionCode="I-142")  # I-142 bank (uncertain: structure from TTN's sample)
        holder = _sub(fii, "AccountHolder")
        _sub(holder, "AccountNumber", rib)
        _sub(holder, "OwnerIdentifier", _cut(invoice.seller_name, 70))
        institution = _sub(fii, "InstitutionIdentification", nameCode=rib[:2])
        _sub(institution, "BranchIdentifier", rib[2:5])
        _sub(institution, "InstitutionName", _cut(invoice.seller_bank_name or rib[:2], 70))


def _line(section, line, position: int) -> None:
    lin = _sub(section, "Lin")
    _sub(lin, "ItemIdentifier", str(position))
    imd = _sub(lin, "LinImd", lang="fr")
    _sub(imd, "ItemCode", _cut(line.reference or f"{line.kind.upper()}-{position}", 35))
    _sub(imd, "ItemDescription", _cut(line.description, 500))
    _sub(_sub(lin, "LinQty"), "Quantity", teif_quantity(line.quantity), measurementUnit="UNIT")
    _tax_name(_sub(lin, "LinTax"), "I-1602", "TVA", line.tva_rate)
    if line.discount_percent:
        alc = _sub(lin, "LinAlc")
        allowance = _sub(alc, "Alc", allowanceCode="I-151")
        _sub(allowance, "SpecialServices", "Remise", lang="fr")
        pcd = _sub(alc, "Pcd")
        _sub(pcd, "Percentage", teif_percentage(line.discount_percent))
        _sub(pcd, "PercentageBasis", teif_amount(line.quantity * line.unit_price))
    moa = _sub(lin, "LinMoa")
    _moa(moa, "MoaDetails", "I-183", line.unit_price)
    _moa(moa, "MoaDetails", "I-171", line.total_ht)


def ttn_acceptance(invoice):
    """The invoice's El Fatoora record once TTN accepted it (its reference I-88 given), else None."""
    from workshop.models import EInvoice

    try:
        record = invoice.einvoice
    except EInvoice.DoesNotExist:
        return None
    return record if record.ttn_reference else None


def _invoice_references(bgm, invoice) -> None:
    """What a credit note corrects: the invoice's number (I-89) with its date, and TTN's reference of it (I-88)
    with TTN's date when TTN accepted it, in the form of TTN's own RefTtnVal (ddMMyyHHmm, I-37)."""
    references = _sub(bgm, "DocumentReferences")
    reference = _sub(references, "DocumentReference")
    _sub(reference, "Reference", invoice.number, refID="I-89")
    when = _sub(reference, "ReferenceDate")
    _sub(when, "DateText", teif_date(invoice.issue_date), format="ddMMyy", functionCode="I-31")
    accepted = ttn_acceptance(invoice)
    if accepted is None:
        return
    reference = _sub(references, "DocumentReference")
    _sub(reference, "Reference", accepted.ttn_reference, refID="I-88")
    if accepted.ttn_date:
        when = _sub(reference, "ReferenceDate")
        stamp = timezone.localtime(accepted.ttn_date).strftime("%d%m%y%H%M")
        _sub(when, "DateText", stamp, format="ddMMyyHHmm", functionCode="I-37")


def _rate_blocks(lines) -> list[dict]:
    rows: dict[int, dict] = {}
    for line in lines:
        row = rows.setdefault(line.tva_rate, {"rate": line.tva_rate, "base": Decimal(0), "tva": Decimal(0)})
        row["base"] += line.total_ht
        row["tva"] += line.total_tva
    return sorted(rows.values(), key=lambda row: -row["rate"])


def build(document, lines=None) -> etree._Element:
    """The TEIF tree of an issued invoice or credit note (`lines` may be passed prefetched, in order)."""
    kind = document_type(document)
    lines = list(document.lines.all() if lines is None else lines)
    root = etree.Element("TEIF", {"version": VERSION, "controlingAgency": "TTN"})
    header = _sub(root, "InvoiceHeader")
    sender, receiver = seller_id(document), receiver_id(document)
    _sub(header, "MessageSenderIdentifier", sender.value, type=sender.type)
    _sub(header, "MessageRecieverIdentifier", receiver.value, type=receiver.type)

    body = _sub(root, "InvoiceBody")
    bgm = _sub(body, "Bgm")
    _sub(bgm, "DocumentIdentifier", document.number)
    _sub(bgm, "DocumentType", DOCUMENT_NAMES[kind], code=kind)
    if kind == CREDIT_NOTE:
        _invoice_references(bgm, document.invoice)
    dtm = _sub(body, "Dtm")
    _sub(dtm, "DateText", teif_date(document.issue_date), format="ddMMyy", functionCode="I-31")
    if kind == INVOICE and document.due_date:
        _sub(dtm, "DateText", teif_date(document.due_date), format="ddMMyy", functionCode="I-32")

    partners = _sub(body, "PartnerSection")
    supplier = _partner(
        partners, "I-62", sender, name=document.seller_name, address=document.seller_address, city="", business=True
    )
    if document.seller_rne:
        _sub(_sub(supplier, "RffSection"), "Reference", _cut(document.seller_rne, 70), refID="I-815")
    _contacts(supplier, document)
    _partner(
        partners,
        "I-64",
        receiver,
        name=document.customer_name,
        address=document.customer_address,
        city=document.customer_city,
        business=receiver.type == "I-01",
    )
    if kind == INVOICE:
        _payment(body, document)
    texts = []
    if kind == CREDIT_NOTE:
        texts.append(f"Motif : {document.reason}")
    elif document.stamp_exempt:
        texts.append("Exonérée du droit de timbre.")
    if texts:
        ftx = _sub(body, "Ftx")
        for text in texts:
            _sub(_sub(ftx, "FreeTextDetail", subjectCode="I-48"), "FreeTexts", _cut(text, 500))

    section = _sub(body, "LinSection")
    for position, line in enumerate(lines, start=1):
        _line(section, line, position)

    # I-181 is the TVA alone (the rate blocks' I-178, not the stamp's) and I-180 the whole amount due, stamp
    # included: I-176 + I-181 + stamp = I-180. TTN's sample: HT 2.000, TVA 0.240, stamp 0.300, I-180 2.540; an
    # accepted invoice: I-176 500.000, I-181 95.000, stamp 1.000, I-180 596.000.
    totals = _sub(body, "InvoiceMoa")
    _moa(totals, "AmountDetails", "I-176", document.total_ht)
    _moa(totals, "AmountDetails", "I-182", document.total_ht)
    _moa(totals, "AmountDetails", "I-181", document.total_tva)
    _moa(totals, "AmountDetails", "I-180", document.net_to_pay, amount_in_words(document.net_to_pay))

    taxes = _sub(body, "InvoiceTax")
    if document.stamp_duty:
        stamp = _sub(taxes, "InvoiceTaxDetails")
        _tax_name(_sub(stamp, "Tax"), "I-1601", "Droit de timbre", 0)
        _moa(stamp, "AmountDetails", "I-178", document.stamp_duty)
    for row in _rate_blocks(lines):
        block = _sub(taxes, "InvoiceTaxDetails")
        _tax_name(_sub(block, "Tax"), "I-1602", "TVA", row["rate"])
        _moa(block, "AmountDetails", "I-177", row["base"])
        _moa(block, "AmountDetails", "I-178", row["tva"])
    return root


def to_bytes(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def file_name(document) -> str:
    return f"TEIF_{compact(document.seller_tax_id)}_{document.number}.xml"
