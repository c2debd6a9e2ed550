"""The supplier's XAdES signature of a TEIF document, made with a throw-away CA and seal made here, and checked
twice: by signxml's verifier against the CA, and by hand (RSA over SignedInfo, SHA-256 of the document)."""

import hashlib
from base64 import b64decode, b64encode

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from django.core.exceptions import ImproperlyConfigured
from lxml import etree
from signxml.exceptions import InvalidSignature

from tests.factories import IssuedInvoiceFactory
from tests.pki import make_pki
from workshop.einvoice import signature, teif

pytestmark = pytest.mark.django_db
DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
NS = {"ds": DS, "xades": XADES}


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory)


@pytest.fixture
def signed(pki, settings):
    settings.ECAR_TEIF_P12 = pki["p12"]
    settings.ECAR_TEIF_P12_PASSWORD = "secret"
    invoice = IssuedInvoiceFactory(customer_tax_id="7654321WAM000", lines=[{"discount_percent": "5"}])
    return etree.fromstring(etree.tostring(signature.sign(teif.build(invoice))))  # through bytes, as stored


def test_signxml_verifies_the_signature_against_the_ca(signed, pki):
    results = signature.verify(signed, ca_pem_file=pki["ca"])
    assert results[0].signed_xml.tag == "TEIF"


def test_the_signature_has_ttns_shape(signed, pki):
    sig = signed.find("ds:Signature", NS)
    assert signed.nsmap.get(None) is None and sig.get("Id") == "SigFrs" and signed[-1] is sig
    data_ref, props_ref = sig.findall("ds:SignedInfo/ds:Reference", NS)
    assert (data_ref.get("Id"), data_ref.get("URI")) == ("r-id-frs", "")
    assert [t.findtext("ds:XPath", namespaces=NS) for t in data_ref.findall("ds:Transforms/ds:Transform", NS)] == [
        "not(ancestor-or-self::ds:Signature)",
        "not(ancestor-or-self::RefTtnVal)",
        None,
    ]
    assert props_ref.get("URI") == "#xades-SigFrs"
    method = sig.find("ds:SignedInfo/ds:SignatureMethod", NS).get("Algorithm")
    assert method == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    certs = [c.text for c in sig.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS)]
    assert len(certs) == 3  # the seal and its chain
    props = sig.find(".//xades:SignedProperties[@Id='xades-SigFrs']", NS)
    cert = props.find(".//xades:SigningCertificateV2/xades:Cert", NS)
    der = pki["seal"].public_bytes(serialization.Encoding.DER)
    assert cert.find("xades:CertDigest/ds:DigestMethod", NS).get("Algorithm").endswith("#sha1")
    assert (
        cert.findtext("xades:CertDigest/ds:DigestValue", namespaces=NS)
        == b64encode(hashlib.sha1(der).digest()).decode()
    )
    serial = b64decode(cert.findtext("xades:IssuerSerialV2", namespaces=NS))
    assert pki["chain"][0].subject.public_bytes() in serial
    assert props.findtext(".//xades:SigPolicyId/xades:Identifier", namespaces=NS) == "urn:2.16.788.1.2.1.3"
    assert props.findtext(".//xades:SigPolicyHash/ds:DigestValue", namespaces=NS) == signature.POLICIES["v3"].digest
    assert props.findtext(".//xades:SPURI", namespaces=NS).startswith("https://www.tradenet.com.tn/")
    assert props.findtext(".//xades:ClaimedRole", namespaces=NS) == "Fournisseur"


def test_signature_checked_by_hand(signed, pki):
    """No signxml: the document digest and the RSA signature recomputed with lxml and cryptography."""
    sig = signed.find("ds:Signature", NS)
    unsigned = etree.fromstring(etree.tostring(signed))
    unsigned.remove(unsigned.find("ds:Signature", NS))
    digest = hashlib.sha256(etree.tostring(unsigned, method="c14n", exclusive=True)).digest()
    assert sig.findtext("ds:SignedInfo/ds:Reference[1]/ds:DigestValue", namespaces=NS) == b64encode(digest).decode()
    signed_info = etree.tostring(sig.find("ds:SignedInfo", NS), method="c14n", exclusive=True)
    value = b64decode(sig.findtext("ds:SignatureValue", namespaces=NS))
    pki["seal"].public_key().verify(value, signed_info, padding.PKCS1v15(), hashes.SHA256())


def test_a_ttn_reference_added_later_does_not_break_the_signature(signed, pki):
    ref = etree.Element("RefTtnVal")
    etree.SubElement(ref, "ReferenceTTN", refID="I-88").text = "0123456789ABCDEFGHIJ1234567"
    signed.insert(len(signed) - 1, ref)
    signature.verify(signed, ca_pem_file=pki["ca"])


def test_a_changed_amount_breaks_the_signature(signed, pki):
    signed.find(".//Moa[@amountTypeCode='I-180']/Amount").text = "1.000"
    with pytest.raises(InvalidSignature):
        signature.verify(signed, ca_pem_file=pki["ca"])


def test_another_ca_is_not_trusted(signed, pki):
    with pytest.raises(InvalidSignature):
        signature.verify(signed, ca_pem_file=pki["other_ca"])


def test_policy_v2_and_settings(pki, settings):
    settings.ECAR_TEIF_POLICY = "v2"
    assert signature.current_policy().role == "CEO"
    settings.ECAR_TEIF_POLICY = "v9"
    with pytest.raises(ImproperlyConfigured):
        signature.current_policy()
    settings.ECAR_TEIF_P12 = ""
    with pytest.raises(ImproperlyConfigured, match="ECAR_TEIF_P12"):
        signature.load_seal()


def test_a_signed_document_is_not_signed_twice(signed, pki):
    with pytest.raises(ValueError, match="already signed"):
        signature.sign(signed, signature.load_seal(pki["p12"], "secret"))
