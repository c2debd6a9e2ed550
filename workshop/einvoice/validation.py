"""Checks every TEIF file passes before it is stored, signed or sent.

TTN's XSD (`facture_INVOIC_V1.8.8_withSig.xsd`, XSD 1.1) is not published openly and the project holds no copy:
when the garage has it, `ECAR_TEIF_XSD` names the file and it is applied with `xmlschema` (assertions included).
The structural rules below are always applied: each is one known requirement of TEIF 1.8.8 (shared notes
`teif.md`) or an arithmetic identity between the amounts the document carries. A failure names the document
and the rule.
"""

import re
from datetime import datetime
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .teif import MATRICULE_TEIF, PERCENTAGE_LENGTH, WORDS_LENGTH

AMOUNT = re.compile(r"^-?[0-9]{1,15}([.][0-9]{1,5})?$")
PERCENTAGE = re.compile(r"^[0-9]{1,3}([.][0-9]{1,2})?$")
DATE_FORMATS = {"ddMMyy": "%d%m%y", "ddMMyyHHmm": "%d%m%y%H%M"}
BODY_ORDER = ["Bgm", "Dtm", "PartnerSection", "LocSection", "PytSection", "Ftx", "SpecialConditions"]
BODY_ORDER += ["LinSection", "InvoiceMoa", "InvoiceTax", "InvoiceAlc"]
ROOT_ORDER = ["InvoiceHeader", "InvoiceBody", "AdditionnalDocuments", "RefTtnVal", "Signature"]
IDENTIFIERS = {
    "I-01": (
        MATRICULE_TEIF,
        gettext_lazy("13 caractères : 7 chiffres, lettre-clé, code TVA A/B/D/N/P, catégorie C/M/N/P, 000"),
    ),
    "I-02": (re.compile(r"^[0-9]{8}$"), gettext_lazy("8 chiffres (CIN)")),
    "I-03": (re.compile(r"^[0-9]{9}$"), gettext_lazy("9 chiffres (carte de séjour)")),
    "I-04": (re.compile(r"^\S{1,35}$"), gettext_lazy("un matricule fiscal non tunisien de 1 à 35 caractères")),
}


class TeifInvalid(Exception):
    """The document named cannot be sent: `failures` lists (rule, message)."""

    def __init__(self, document: str, failures: list[tuple[str, str]]):
        self.document = document
        self.failures = failures
        super().__init__("; ".join(f"{document} [{rule}] {message}" for rule, message in failures))


def _local(element) -> str:
    return element.tag.split("}", 1)[-1] if isinstance(element.tag, str) else ""


def _in_order(children: list[str], order: list[str]) -> bool:
    positions = [order.index(name) for name in children if name in order]
    return positions == sorted(positions) and all(name in order for name in children)


def _amounts(element, code: str) -> list[Decimal]:
    return [
        Decimal(moa.findtext("Amount"))
        for moa in element.iter("Moa")
        if moa.get("amountTypeCode") == code and AMOUNT.match(moa.findtext("Amount") or "")
    ]


def _one(element, code: str):
    found = _amounts(element, code)
    return found[0] if len(found) == 1 else None


def structural_failures(root) -> list[tuple[str, str]]:
    fail: list[tuple[str, str]] = []

    def rule(name: str, ok: bool, message) -> None:
        if not ok:
            fail.append((name, str(message)))

    rule("root", root.tag == "TEIF", _("l'élément racine doit être TEIF, sans espace de noms"))
    rule("version", root.get("version") == "1.8.8", _("version doit valoir 1.8.8"))
    rule("agency", root.get("controlingAgency") == "TTN", _("controlingAgency doit valoir TTN"))
    rule("root-order", _in_order([_local(c) for c in root], ROOT_ORDER), _("enfants de TEIF hors de l'ordre"))
    header, body = root.find("InvoiceHeader"), root.find("InvoiceBody")
    if header is None or body is None:
        rule("structure", False, _("InvoiceHeader et InvoiceBody sont obligatoires"))
        return fail
    for tag in ("MessageSenderIdentifier", "MessageRecieverIdentifier"):
        element = header.find(tag)
        kind = element.get("type") if element is not None else None
        pattern, expected = IDENTIFIERS.get(kind, (None, _("un type I-01 à I-04")))
        value = (element.text or "") if element is not None else ""
        rule(f"{tag}", pattern is not None and bool(pattern.match(value)), f"« {value} » ({kind}) : {expected}")
    rule("body-order", _in_order([_local(c) for c in body], BODY_ORDER), _("enfants de InvoiceBody hors de l'ordre"))
    number = body.findtext("Bgm/DocumentIdentifier") or ""
    rule("document-identifier", 0 < len(number) <= 70, _("DocumentIdentifier : 1 à 70 caractères"))
    doc_type = body.find("Bgm/DocumentType")
    code = doc_type.get("code") if doc_type is not None else None
    rule("document-type", code in ("I-11", "I-12", "I-15"), _("DocumentType : I-11, I-12 ou I-15"))
    references = "Bgm/DocumentReferences/DocumentReference/Reference[@refID='{}']"
    if code == "I-12":
        refs = [r.text for r in body.iterfind(references.format("I-89"))]
        rule("credit-reference", len(refs) == 1 and bool(refs[0]), _("un avoir renvoie à sa facture (I-89)"))
    ttn_refs = [r.text for r in body.iterfind(references.format("I-88"))]
    rule("ttn-reference", len(ttn_refs) <= 1 and all(ttn_refs), _("une référence TTN (I-88) au plus, non vide"))
    issue = [d for d in body.iterfind("Dtm/DateText") if d.get("functionCode") == "I-31"]
    rule("issue-date", len(issue) == 1, _("une date d'émission I-31 et une seule"))
    for text in root.iter("DateText"):
        pattern = DATE_FORMATS.get(text.get("format"))
        if pattern:
            try:
                datetime.strptime(text.text or "", pattern)
            except ValueError:
                rule("date-format", False, f"« {text.text} » : {text.get('format')}")
    functions = [p.get("functionCode") for p in body.iterfind("PartnerSection/PartnerDetails")]
    rule("partners", "I-62" in functions and "I-64" in functions, _("fournisseur (I-62) et client (I-64)"))
    for country in body.iterfind("PartnerSection/PartnerDetails/Nad/PartnerAdresses/Country"):
        rule("country", country.get("codeList") == "ISO_3166-1" and len(country.text or "") == 2, _("pays ISO"))
    for amount in root.iter("Amount"):
        rule("amount-format", bool(AMOUNT.match(amount.text or "")), f"« {amount.text} » : point décimal")
        rule("currency", amount.get("currencyIdentifier") == "TND", _("montant en TND"))
    lines = body.findall("LinSection/Lin")
    rule("lines", bool(lines), _("au moins une ligne"))
    for position, lin in enumerate(lines, start=1):
        present = [_local(c) for c in lin]
        needed = ["ItemIdentifier", "LinImd", "LinQty", "LinTax", "LinMoa"]
        rule(f"line-{position}", all(n in present for n in needed), _("ligne incomplète") + f" ({', '.join(needed)})")
        rule(f"line-{position}-price", len(_amounts(lin, "I-183")) == 1, _("prix unitaire HT I-183"))
        rule(f"line-{position}-total", len(_amounts(lin, "I-171")) == 1, _("total HT de la ligne I-171"))
        rule(f"line-{position}-tva", lin.find("LinTax/TaxTypeName[@code='I-1602']") is not None, _("TVA I-1602"))
        for percentage in lin.iterfind("LinAlc/Pcd/Percentage"):
            text = percentage.text or ""
            fits = len(text) <= PERCENTAGE_LENGTH and bool(PERCENTAGE.match(text))
            why = _("la remise tient en %(length)s caractères, deux décimales au plus") % {"length": PERCENTAGE_LENGTH}
            rule(f"line-{position}-percentage", fits, f"« {text} » : {why}")
    totals = body.find("InvoiceMoa")
    taxes = body.find("InvoiceTax")
    if totals is None or taxes is None:
        rule("totals", False, _("InvoiceMoa et InvoiceTax sont obligatoires"))
        return fail
    ht, base, tax, ttc = (_one(totals, c) for c in ("I-176", "I-182", "I-181", "I-180"))
    rule("totals", None not in (ht, base, tax, ttc), _("I-176, I-182, I-181 et I-180 une fois chacun"))
    if None in (ht, base, tax, ttc):
        return fail
    words = totals.find(".//Moa[@amountTypeCode='I-180']/AmountDescription")
    in_words = (words.text or "") if words is not None else ""
    rule("amount-in-words", bool(in_words), _("I-180 porte le montant en lettres"))
    too_long = _("le montant en lettres tient en %(length)s caractères") % {"length": WORDS_LENGTH}
    rule("amount-in-words-length", len(in_words) <= WORDS_LENGTH, too_long)
    line_sum = sum((a for lin in lines for a in _amounts(lin, "I-171")), Decimal(0))
    rule("sum-of-lines", line_sum == ht, f"I-176 {ht} ≠ {_('somme des I-171')} {line_sum}")
    blocks = taxes.findall("InvoiceTaxDetails")
    tva_blocks = [b for b in blocks if b.find("Tax/TaxTypeName").get("code") == "I-1602"]
    stamp_blocks = [b for b in blocks if b.find("Tax/TaxTypeName").get("code") == "I-1601"]
    rule("stamp", len(stamp_blocks) <= 1, _("un seul bloc de droit de timbre I-1601"))
    rates = [b.findtext("Tax/TaxDetails/TaxRate") for b in tva_blocks]
    rule("tax-per-rate", len(rates) == len(set(rates)), _("un bloc de TVA par taux"))
    for block in tva_blocks:
        rate = block.findtext("Tax/TaxDetails/TaxRate")
        on_rate = [lin for lin in lines if lin.findtext("LinTax/TaxDetails/TaxRate") == rate]
        expected = sum((a for lin in on_rate for a in _amounts(lin, "I-171")), Decimal(0))
        rule(f"tax-base-{rate}", _one(block, "I-177") == expected, f"I-177 ({rate} %) ≠ {expected}")
    base_sum = sum((_one(b, "I-177") or 0 for b in tva_blocks), Decimal(0))
    # I-181 is the tax of the rate blocks, the stamp's excepted; the stamp is added to reach I-180 (TTN's sample).
    tax_sum = sum((_one(b, "I-178") or 0 for b in blocks if b not in stamp_blocks), Decimal(0))
    stamp = sum((_one(b, "I-178") or 0 for b in stamp_blocks), Decimal(0))
    rule("total-tax-base", base == base_sum, f"I-182 {base} ≠ {_('somme des I-177')} {base_sum}")
    rule("total-tax", tax == tax_sum, f"I-181 {tax} ≠ {_('somme des I-178 hors timbre')} {tax_sum}")
    sums = f"I-176 + I-181 + {_('timbre')} ≠ I-180 ({ht} + {tax} + {stamp} ≠ {ttc})"
    rule("total-ttc", ht + tax + stamp == ttc, sums)
    return fail


@cache
def _schema(path: str):
    import xmlschema

    return xmlschema.XMLSchema11(path)


def schema_failures(root) -> list[tuple[str, str]]:
    """TTN's XSD, when the garage configured its copy (`ECAR_TEIF_XSD`)."""
    path = getattr(settings, "ECAR_TEIF_XSD", "")
    if not path:
        return []
    return [("xsd", f"{error.path}: {error.reason}") for error in _schema(str(path)).iter_errors(root)]


def validate(root, *, document: str) -> None:
    failures = structural_failures(root) + schema_failures(root)
    if failures:
        raise TeifInvalid(document, failures)
