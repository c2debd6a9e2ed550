"""TEIF 1.8.8 XML of issued invoices and credit notes, compared element by element with reviewed golden files
(tests/golden/teif/*.xml; `ECAR_UPDATE_GOLDEN=1` rewrites them, to be reviewed before committing)."""

import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from tests.factories import (
    BusinessCustomerFactory,
    CustomerFactory,
    EInvoiceFactory,
    IssuedCreditNoteFactory,
    IssuedInvoiceFactory,
)
from workshop.einvoice import teif, validation
from workshop.models import EInvoice
from workshop.money import amount_in_words

pytestmark = pytest.mark.django_db
GOLDEN = Path(__file__).parent / "golden" / "teif"
SELLER = {
    "seller_name": "Garage ECAR SARL",
    "seller_tax_id": "1234567ABM000",
    "seller_address": "12 rue de l'Industrie, Charguia II, Tunis",
    "seller_rne": "B01234562020",
    "seller_phone": "+216 71 123 456",
    "seller_email": "contact@garage-ecar.tn",
    "seller_rib": "08 006 0123456789012 34",
    "seller_bank_name": "BIAT",
}


def _differences(expected, actual, path="") -> list[str]:
    here = f"{path}/{expected.tag}"
    found = []
    if expected.tag != actual.tag:
        return [f"{here}: element {actual.tag} instead of {expected.tag}"]
    if dict(expected.attrib) != dict(actual.attrib):
        found.append(f"{here}: attributes {dict(actual.attrib)} instead of {dict(expected.attrib)}")
    if (expected.text or "").strip() != (actual.text or "").strip():
        found.append(f"{here}: text {actual.text!r} instead of {expected.text!r}")
    if len(expected) != len(actual):
        found.append(f"{here}: {len(actual)} children instead of {len(expected)}")
    for position, (left, right) in enumerate(zip(expected, actual, strict=False), start=1):
        found += _differences(left, right, f"{here}[{position}]")
    return found


def assert_matches_golden(root, name: str) -> None:
    path = GOLDEN / name
    if os.environ.get("ECAR_UPDATE_GOLDEN"):
        path.write_bytes(teif.to_bytes(root))
    expected = etree.parse(str(path)).getroot()
    assert _differences(expected, root) == []
    assert validation.structural_failures(root) == []


def mixed_invoice():
    customer = CustomerFactory(first_name="Sami", last_name="Trabelsi", address="5 rue de Marseille", city="Sfax")
    return IssuedInvoiceFactory(
        customer=customer,
        customer_name="Sami Trabelsi",
        customer_tax_id="7654321BAP000",  # a person registered for TVA: identified by matricule
        number="F-2026-00007",
        issue_date=date(2026, 1, 15),
        due_date=date(2026, 2, 14),
        **SELLER,
        lines=[
            {
                "reference": "PLQ-208",
                "description": "Plaquettes de frein",
                "quantity": "2",
                "unit_price": "45.500",
                "discount_percent": "10",
                "tva_rate": 19,
                "kind": "part",
            },
            {
                "description": "Main d'œuvre freinage",
                "quantity": "1.5",
                "unit_price": "40.000",
                "tva_rate": 19,
                "kind": "labour",
            },
            {
                "reference": "HUI-5W30",
                "description": "Huile 5W30",
                "quantity": "4",
                "unit_price": "12.333",
                "discount_percent": "5",
                "tva_rate": 13,
                "kind": "part",
            },
            {"description": "Pièce d'occasion", "quantity": "1", "unit_price": "80.000", "tva_rate": 7, "kind": "part"},
            {"description": "Vignette", "quantity": "1", "unit_price": "25.000", "tva_rate": 0, "kind": "part"},
        ],
    )


def test_mixed_rates_with_discounts_match_golden():
    invoice = mixed_invoice()
    root = teif.build(invoice)
    assert_matches_golden(root, "invoice_mixed_rates.xml")
    assert root.nsmap == {} and root.tag == "TEIF"
    lines = root.findall("InvoiceBody/LinSection/Lin")
    assert [line.findtext("LinTax/TaxDetails/TaxRate") for line in lines] == ["19", "19", "13", "7", "0"]
    assert lines[0].findtext("LinAlc/Pcd/Percentage") == "10"
    assert lines[0].findtext("LinMoa/MoaDetails[2]/Moa/Amount") == "81.900"  # 2 × 45.500 − 10 %
    rates = root.findall("InvoiceBody/InvoiceTax/InvoiceTaxDetails")
    assert [block.findtext("Tax/TaxTypeName") for block in rates] == ["Droit de timbre", "TVA", "TVA", "TVA", "TVA"]
    words = root.find("InvoiceBody/InvoiceMoa//Moa[@amountTypeCode='I-180']/AmountDescription")
    assert words.text == invoice.amount_in_words  # the PDF's words


def test_stamp_exempt_invoice_has_no_stamp_block():
    customer = CustomerFactory(first_name="Leila", last_name="Ben Romdhane", address="Route de Gabès", city="Sfax")
    invoice = IssuedInvoiceFactory(
        customer=customer,
        customer_name="Leila Ben Romdhane",
        customer_tax_id="0000007XAP000",
        stamp_exempt=True,
        number="F-2026-00011",
        issue_date=date(2026, 1, 20),
        due_date=date(2026, 1, 20),
        payment_terms_days=0,
        **{**SELLER, "seller_rib": "", "seller_bank_name": ""},
        lines=[{"description": "Diagnostic", "quantity": "1", "unit_price": "60.000", "tva_rate": 19}],
    )
    root = teif.build(invoice)
    assert_matches_golden(root, "invoice_stamp_exempt.xml")
    assert root.find(".//TaxTypeName[@code='I-1601']") is None
    assert root.findtext(".//PaymentTearmsTypeCode") == "I-111"


def business_invoice():
    customer = BusinessCustomerFactory(
        company_name="Transport Sahel SARL", tax_id="7654321WAM000", address="Zone industrielle", city="Sousse"
    )
    return IssuedInvoiceFactory(
        customer=customer,
        customer_name="Transport Sahel SARL",
        number="F-2026-00023",
        issue_date=date(2026, 1, 28),
        due_date=date(2026, 2, 27),
        **SELLER,
        lines=[
            {"reference": "EMB-01", "description": "Kit embrayage", "quantity": "1", "unit_price": "950.000"},
            {"description": "Main d'œuvre embrayage", "quantity": "4", "unit_price": "45.000"},
        ],
    )


def test_business_invoice_with_withholding_matches_golden():
    invoice = business_invoice()
    assert invoice.withholding_eligible  # the payer withholds: TEIF carries the invoice's own amounts only
    root = teif.build(invoice)
    assert_matches_golden(root, "invoice_business.xml")
    assert root.find("InvoiceHeader/MessageRecieverIdentifier").attrib == {"type": "I-01"}
    assert root.findtext("InvoiceHeader/MessageRecieverIdentifier") == "7654321WAM000"
    assert root.findtext(".//PytFii/AccountHolder/AccountNumber") == "08006012345678901234"


def test_credit_note_refers_to_its_invoice():
    invoice = business_invoice()
    note = IssuedCreditNoteFactory(invoice=invoice, number="AV-2026-00003", issue_date=date(2026, 2, 2))
    root = teif.build(note)
    assert_matches_golden(root, "credit_note.xml")
    assert root.find("InvoiceBody/Bgm/DocumentType").get("code") == "I-12"
    assert root.findtext("InvoiceBody/Bgm/DocumentReferences/DocumentReference/Reference[@refID='I-89']") == (
        "F-2026-00023"
    )
    assert root.find("InvoiceBody/PytSection") is None


def test_the_credit_note_of_an_invoice_ttn_accepted_carries_ttn_reference_and_date():
    invoice = business_invoice()
    accepted_at = datetime(2026, 1, 28, 14, 5, tzinfo=ZoneInfo("Africa/Tunis"))
    EInvoiceFactory(
        invoice=invoice,
        status=EInvoice.Status.ACCEPTED,
        signed_xml="<TEIF/>",
        ttn_reference="073620260000000000012345678",
        ttn_date=accepted_at,
    )
    note = IssuedCreditNoteFactory(invoice=invoice, number="AV-2026-00004", issue_date=date(2026, 2, 2))
    note = type(note).objects.select_related("invoice__einvoice").get(pk=note.pk)
    root = teif.build(note)
    references = root.findall("InvoiceBody/Bgm/DocumentReferences/DocumentReference")
    shapes = [
        (
            ref.find("Reference").get("refID"),
            ref.findtext("Reference"),
            ref.find("ReferenceDate/DateText").attrib,
            ref.findtext("ReferenceDate/DateText"),
        )
        for ref in references
    ]
    assert shapes == [
        ("I-89", "F-2026-00023", {"format": "ddMMyy", "functionCode": "I-31"}, "280126"),
        ("I-88", "073620260000000000012345678", {"format": "ddMMyyHHmm", "functionCode": "I-37"}, "2801261405"),
    ]
    assert validation.structural_failures(root) == []
    references[1].find("Reference").text = ""
    assert [rule for rule, _ in validation.structural_failures(root)] == ["ttn-reference"]


def test_a_credit_note_of_an_invoice_not_yet_accepted_refers_to_its_number_only():
    invoice = business_invoice()
    EInvoiceFactory(invoice=invoice, status=EInvoice.Status.SUBMITTED, signed_xml="<TEIF/>")
    note = IssuedCreditNoteFactory(invoice=invoice, number="AV-2026-00005", issue_date=date(2026, 2, 2))
    root = teif.build(note)
    assert [r.get("refID") for r in root.iterfind(".//DocumentReference/Reference")] == ["I-89"]


def test_total_tax_is_the_tva_alone_and_the_total_due_adds_the_stamp():
    """As on an invoice TTN accepted: I-176 500.000, I-181 95.000 (TVA only), stamp 1.000, I-180 596.000."""
    invoice = IssuedInvoiceFactory(customer_tax_id="7654321WAM000", lines=[{"unit_price": "500.000", "tva_rate": 19}])
    root = teif.build(invoice)
    totals = {
        moa.get("amountTypeCode"): moa.findtext("Amount") for moa in root.find("InvoiceBody/InvoiceMoa").iter("Moa")
    }
    assert totals == {"I-176": "500.000", "I-182": "500.000", "I-181": "95.000", "I-180": "596.000"}
    assert root.findtext(".//TaxTypeName[@code='I-1601']/../../AmountDetails/Moa/Amount") == "1.000"
    assert validation.structural_failures(root) == []


@pytest.mark.parametrize(
    ("discount", "written"),
    [("10.00", "10"), ("12.500", "12.5"), ("33.33", "33.33"), ("100.00", "100"), ("33.333", "33.333")],
)
def test_a_discount_is_written_with_two_decimals_at_most_when_that_is_exact(discount, written):
    assert teif.teif_percentage(Decimal(discount)) == written


def test_a_discount_that_does_not_fit_five_characters_is_refused_naming_the_line():
    """The field keeps two decimals (max_digits 5), so only a line built elsewhere could hold 33.333."""
    invoice = IssuedInvoiceFactory(customer_tax_id="7654321WAM000", lines=[{}, {"discount_percent": "10"}])
    lines = list(invoice.lines.order_by("position"))
    lines[1].discount_percent = Decimal("33.333")
    root = teif.build(invoice, lines=lines)
    failures = dict(validation.structural_failures(root))
    assert set(failures) >= {"line-2-percentage"} and "line-1-percentage" not in failures
    assert failures["line-2-percentage"].startswith("« 33.333 » :")


def test_the_amount_in_words_is_cut_at_200_characters():
    amount = Decimal("94494494494.494")  # the longest words a 14-digit amount takes: 201 characters
    assert len(amount_in_words(amount)) == 201
    invoice = IssuedInvoiceFactory(customer_tax_id="7654321WAM000", lines=[{}])
    invoice.net_to_pay = amount
    words = teif.build(invoice).findtext(".//Moa[@amountTypeCode='I-180']/AmountDescription")
    assert len(words) == 200 and words.endswith("…") and words.startswith("quatre-vingt-quatorze milliards")


def test_amount_in_words_longer_than_200_characters_is_refused():
    root = teif.build(IssuedInvoiceFactory(customer_tax_id="7654321WAM000", lines=[{}]))
    root.find(".//Moa[@amountTypeCode='I-180']/AmountDescription").text = "x" * 201
    assert [rule for rule, _ in validation.structural_failures(root)] == ["amount-in-words-length"]


def test_amount_and_date_formats():
    assert teif.teif_amount(Decimal("1234.5")) == "1234.500"
    assert teif.teif_amount(Decimal("-0.0004")) == "0.000"
    assert teif.teif_date(date(2026, 1, 5)) == "050126"
    assert teif.teif_rate(Decimal("12.50")) == "12.5"


@pytest.mark.parametrize(
    ("national_id", "expected"),
    [("01234567", teif.PartyId("I-02", "01234567")), ("123456789", teif.PartyId("I-03", "123456789"))],
)
def test_a_private_customer_is_named_by_cin_or_carte_de_sejour(national_id, expected):
    customer = CustomerFactory(national_id=national_id)
    invoice = IssuedInvoiceFactory(customer=customer, customer_national_id=customer.national_id, lines=[{}])
    root = teif.build(invoice)
    assert teif.receiver_id(invoice) == expected
    header = root.find("InvoiceHeader/MessageRecieverIdentifier")
    partner = root.find("InvoiceBody/PartnerSection/PartnerDetails[@functionCode='I-64']/Nad/PartnerIdentifier")
    for element in (header, partner):
        assert (element.get("type"), element.text) == (expected.type, expected.value)
    assert root.find(".//PartnerDetails[@functionCode='I-64']/Nad/PartnerName").get("nameType") == "Physical"
    assert validation.structural_failures(root) == []


def test_a_private_customer_without_identifier_gets_no_made_up_one():
    invoice = IssuedInvoiceFactory(lines=[{}])
    assert teif.receiver_id(invoice) == teif.PartyId("I-02", "")  # the validator refuses it; issuing reported it
