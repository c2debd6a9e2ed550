"""The supplier's XAdES signature of a TEIF document, made with a throw-away CA and seal made here, and checked
twice: by signxml's verifier against the CA, and by hand (RSA over SignedInfo, SHA-256 of the document)."""

import hashlib
from base64 import b64decode, b64encode
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.exceptions import ImproperlyConfigured
from lxml import etree
from signxml.exceptions import InvalidSignature

from tests.factories import IssuedInvoiceFactory
from workshop.einvoice import signature, teif

pytestmark = pytest.mark.django_db
DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
NS = {"ds": DS, "xades": XADES}


def _name(common_name):
    return x509.Name(
        [x509.NameAttribute(NameOID.COUNTRY_NAME, "TN"), x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    )


def _certificate(subject, key, issuer=None, issuer_key=None, *, ca):
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer.subject if issuer else _name(subject))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    signer_key = issuer_key or key
    builder = builder.add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_public_key(signer_key.public_key()), critical=False
    )
    return builder.sign(signer_key, hashes.SHA256())


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """Root CA → intermediate CA → the garage's seal, in a PKCS#12 file as TunTrust delivers it."""
    keys = [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(3)]
    root = _certificate("Test National Root CA", keys[0], ca=True)
    intermediate = _certificate("Test Gov CA", keys[1], root, keys[0], ca=True)
    seal = _certificate("Garage ECAR SARL", keys[2], intermediate, keys[1], ca=False)
    folder = tmp_path_factory.mktemp("pki")
    p12 = folder / "seal.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"seal", keys[2], seal, [intermediate, root], serialization.BestAvailableEncryption(b"secret")
        )
    )
    ca_file = folder / "root.pem"
    ca_file.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    other_root = _certificate("Another Root", rsa.generate_private_key(public_exponent=65537, key_size=2048), ca=True)
    other_file = folder / "other.pem"
    other_file.write_bytes(other_root.public_bytes(serialization.Encoding.PEM))
    return {
        "p12": str(p12),
        "ca": str(ca_file),
        "other_ca": str(other_file),
        "seal": seal,
        "chain": [intermediate, root],
    }


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
