"""The checks every TEIF file passes before it is stored or sent: each failure names the document and the rule."""

from decimal import Decimal

import pytest
from lxml import etree

from tests.factories import IssuedInvoiceFactory
from workshop.einvoice import teif, validation
from workshop.einvoice.validation import TeifInvalid

pytestmark = pytest.mark.django_db


@pytest.fixture
def root():
    invoice = IssuedInvoiceFactory(
        customer_tax_id="7654321WAM000",
        lines=[
            {"quantity": "3", "unit_price": "33.333", "discount_percent": "7.5", "tva_rate": 19},
            {"quantity": "1", "unit_price": "10.000", "tva_rate": 7},
        ],
    )
    return teif.build(invoice)


def rules(root) -> set[str]:
    return {rule for rule, _ in validation.structural_failures(root)}


def test_a_built_invoice_passes(root):
    assert validation.structural_failures(root) == []
    validation.validate(root, document="F-1")


@pytest.mark.parametrize(
    ("tax_id", "why"),
    [("1234567AFM000", "forfaitaire"), ("1234567ABM001", "secondary establishment"), ("1234567ABE000", "E")],
)
def test_a_matricule_teif_cannot_carry_is_refused(root, tax_id, why):
    root.find("InvoiceHeader/MessageSenderIdentifier").text = tax_id
    with pytest.raises(TeifInvalid) as refused:
        validation.validate(root, document="F-2026-00001")
    assert refused.value.document == "F-2026-00001"
    assert [rule for rule, _ in refused.value.failures] == ["MessageSenderIdentifier"]
    assert "F-2026-00001 [MessageSenderIdentifier]" in str(refused.value)


def test_an_individual_without_identifier_is_refused():
    invoice = IssuedInvoiceFactory(lines=[{}])
    assert rules(teif.build(invoice)) == {"MessageRecieverIdentifier"}
    invoice.customer_national_id = "01234567"
    assert rules(teif.build(invoice)) == set()


@pytest.mark.parametrize(("kind", "value"), [("I-02", "1234567"), ("I-02", "123456789"), ("I-03", "12345678")])
def test_a_cin_or_carte_de_sejour_of_the_wrong_length_is_refused(root, kind, value):
    receiver = root.find("InvoiceHeader/MessageRecieverIdentifier")
    receiver.set("type", kind)
    receiver.text = value
    assert rules(root) == {"MessageRecieverIdentifier"}


def test_amounts_that_do_not_add_up_are_refused(root):
    root.find(".//Moa[@amountTypeCode='I-180']/Amount").text = "1.000"
    assert rules(root) == {"total-ttc"}
    root.find(".//LinMoa/MoaDetails[2]/Moa/Amount").text = "0.001"
    assert {"sum-of-lines", "tax-base-19"} <= rules(root)


def test_the_stamp_counted_in_the_total_tax_is_refused(root):
    """I-181 is the TVA alone; I-180 = I-176 + I-181 + stamp (TTN's sample: 2.000 + 0.240 + 0.300 = 2.540)."""
    every_tax = sum(
        Decimal(moa.findtext("Amount")) for moa in root.iterfind(".//InvoiceTax//Moa[@amountTypeCode='I-178']")
    )
    root.find(".//Moa[@amountTypeCode='I-181']/Amount").text = str(every_tax)  # TVA + stamp, as ECAR wrote it before
    assert rules(root) == {"total-tax", "total-ttc"}


def test_a_document_without_stamp_adds_up_without_it(root):
    taxes = root.find("InvoiceBody/InvoiceTax")
    taxes.remove(taxes.find("InvoiceTaxDetails"))  # the stamp block comes first
    assert rules(root) == {"total-ttc"}
    due = root.find(".//Moa[@amountTypeCode='I-180']/Amount")
    due.text = str(Decimal(due.text) - Decimal("1.000"))
    assert rules(root) == set()


def test_format_rules(root):
    root.find(".//Amount").text = "12,500"
    root.find(".//Dtm/DateText").text = "320126"
    root.set("xmlns-ish", "x")
    namespaced = etree.Element("{urn:x}TEIF")
    assert {"amount-format", "date-format"} <= rules(root)
    assert "root" in rules(namespaced) or "structure" in rules(namespaced)


def test_elements_out_of_order_are_refused(root):
    body = root.find("InvoiceBody")
    body.append(body.find("Bgm"))
    assert "body-order" in rules(root)


def test_a_credit_note_without_its_invoice_reference_is_refused(root):
    root.find("InvoiceBody/Bgm/DocumentType").set("code", "I-12")
    assert "credit-reference" in rules(root)


def test_the_configured_xsd_is_applied_with_xsd_11_assertions(root, settings, tmp_path):
    """Not TTN's schema (the project has no copy): a minimal XSD 1.1 proving the configured file is used."""
    xsd = tmp_path / "minimal.xsd"
    xsd.write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:vc="http://www.w3.org/2007/XMLSchema-versioning" vc:minVersion="1.1">'
        '<xs:element name="TEIF"><xs:complexType><xs:sequence>'
        '<xs:any processContents="skip" minOccurs="0" maxOccurs="unbounded"/></xs:sequence>'
        '<xs:anyAttribute processContents="skip"/>'
        "<xs:assert test=\"@version = '1.8.9'\"/></xs:complexType></xs:element></xs:schema>"
    )
    settings.ECAR_TEIF_XSD = str(xsd)
    with pytest.raises(TeifInvalid) as refused:
        validation.validate(root, document="F-9")
    assert [rule for rule, _ in refused.value.failures] == ["xsd"]
    root.set("version", "1.8.9")
    assert validation.schema_failures(root) == []


def test_issue_date_is_required(root):
    dtm = root.find("InvoiceBody/Dtm")
    dtm.remove(dtm.find("DateText"))
    assert "issue-date" in rules(root)
