"""The supplier's XAdES-B enveloped signature (`SigFrs`) of a TEIF document, as TTN's signature policy asks.

- one Reference `r-id-frs` to the whole document (URI ""), transforms: XPath `not(ancestor-or-self::ds:Signature)`,
  XPath `not(ancestor-or-self::RefTtnVal)` (TTN adds its reference and signature later), exclusive c14n;
- one Reference to the SignedProperties `#xades-SigFrs`;
- RSA-SHA256, SHA-256 digests; SigningCertificateV2 with a SHA-1 certificate digest and IssuerSerialV2 (as TTN's
  sample does); KeyInfo with the whole chain; the policy identifier, hash and URI; the claimed role.

The key and chain come from a PKCS#12 file (`ECAR_TEIF_P12`, `ECAR_TEIF_P12_PASSWORD`); the policy from
`ECAR_TEIF_POLICY` ("v3", reported compulsory from 30/06/2026, or "v2").
"""

import hashlib
from base64 import b64encode
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from lxml import etree
from signxml import SignatureMethod
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureConstructionMethod
from signxml.util import ds_tag, namespaces, xades_tag
from signxml.xades import XAdESSignatureConfiguration, XAdESSigner, XAdESVerifier

EXC_C14N = CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0
XPATH_FILTER = "http://www.w3.org/TR/1999/REC-xpath-19991116"
EXCLUDED = ("not(ancestor-or-self::ds:Signature)", "not(ancestor-or-self::RefTtnVal)")
SIGNATURE_ID = "SigFrs"
REFERENCE_ID = "r-id-frs"
PROPERTIES_ID = "xades-SigFrs"


@dataclass(frozen=True)
class Policy:
    identifier: str
    description: str
    digest: str  # SHA-256 of the policy document, base64
    uri: str
    role: str


POLICIES = {
    "v3": Policy(
        "urn:2.16.788.1.2.1.3",
        "Politique de Signature Electronique de Tunisie TradeNet",
        "ZKLu5TojntPu+bUfZyjaEDvkYsAh7eyyV+Hf8nUSQEE=",
        "https://www.tradenet.com.tn/Politique_Signature_Electronique_Tunisie_TradeNet.pdf",
        "Fournisseur",
    ),
    "v2": Policy(
        "urn:2.16.788.1.2.1",
        "Politique de Signature Electronique de Tunisie TradeNet",
        "3J1oMkha+OAlm9hBNCcAS+/nbKokG8Gf9N3XPipP7yg=",
        "https://www.tradenet.com.tn/Politique_Signature_Electronique_Tunisie_TradeNet.pdf",
        "CEO",
    ),
}


@dataclass(frozen=True)
class Seal:
    key: object
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]  # the intermediate and root certificates, signer's issuer first


def load_seal(path=None, password=None) -> Seal:
    path = path or settings.ECAR_TEIF_P12
    if not path:
        raise ImproperlyConfigured("ECAR_TEIF_P12 names no PKCS#12 file: the e-invoice cannot be signed.")
    secret = settings.ECAR_TEIF_P12_PASSWORD if password is None else password
    key, certificate, chain = pkcs12.load_key_and_certificates(Path(path).read_bytes(), (secret or "").encode())
    if key is None or certificate is None:
        raise ImproperlyConfigured(f"{path} holds no key and certificate.")
    return Seal(key, certificate, tuple(chain))


def current_policy() -> Policy:
    try:
        return POLICIES[settings.ECAR_TEIF_POLICY]
    except KeyError:
        raise ImproperlyConfigured(f"ECAR_TEIF_POLICY must be one of {sorted(POLICIES)}.") from None


def _der_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    body = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _der(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + _der_length(len(body)) + body


def issuer_serial_v2(certificate: x509.Certificate) -> str:
    """RFC 5035 IssuerSerial (GeneralNames with the issuer as directoryName, then the serial), DER, base64."""
    serial = certificate.serial_number
    serial_bytes = serial.to_bytes(serial.bit_length() // 8 + 1, "big", signed=True)
    general_names = _der(0x30, _der(0xA4, certificate.issuer.public_bytes()))
    return b64encode(_der(0x30, general_names + _der(0x02, serial_bytes))).decode()


class TeifSigner(XAdESSigner):
    """signxml's XAdES signer with TTN's references, transforms and signed properties."""

    def __init__(self, policy: Policy, signing_certificate: x509.Certificate):
        super().__init__(
            method=SignatureConstructionMethod.enveloped,
            signature_algorithm=SignatureMethod.RSA_SHA256,
            digest_algorithm=DigestAlgorithm.SHA256,
            c14n_algorithm=EXC_C14N,
        )
        self.policy = policy
        self.signing_certificate = signing_certificate

    def _build_transforms_for_reference(self, *, transforms_node, reference, exclude_c14n_transform_element=True):
        for expression in EXCLUDED:
            transform = etree.SubElement(transforms_node, ds_tag("Transform"), Algorithm=XPATH_FILTER)
            etree.SubElement(transform, ds_tag("XPath")).text = expression
        etree.SubElement(transforms_node, ds_tag("Transform"), Algorithm=EXC_C14N.value)

    def _xades(self, parent, name, text=None, **attributes):
        element = etree.SubElement(parent, xades_tag(name), attributes)
        if text is not None:
            element.text = text
        return element

    def _digest(self, parent, algorithm: DigestAlgorithm, value: bytes | str):
        etree.SubElement(parent, ds_tag("DigestMethod"), Algorithm=algorithm.value)
        digest = value if isinstance(value, str) else b64encode(value).decode()
        etree.SubElement(parent, ds_tag("DigestValue")).text = digest

    def _build_xades_ds_object(self, sig_root, signing_settings):
        sig_root.set("Id", SIGNATURE_ID)
        signed_info = sig_root.find(ds_tag("SignedInfo"))
        signed_info.find(ds_tag("Reference")).set("Id", REFERENCE_ID)
        ds_object = etree.SubElement(sig_root, ds_tag("Object"))
        qualifying = etree.SubElement(
            ds_object,
            xades_tag("QualifyingProperties"),
            {"Target": f"#{SIGNATURE_ID}"},
            nsmap={"xades": namespaces.xades},
        )
        signed = self._xades(qualifying, "SignedProperties", Id=PROPERTIES_ID)
        properties = self._xades(signed, "SignedSignatureProperties")
        self._xades(properties, "SigningTime", datetime.now(UTC).isoformat(timespec="seconds"))
        cert = self._xades(self._xades(properties, "SigningCertificateV2"), "Cert")
        der = self.signing_certificate.public_bytes(Encoding.DER)
        self._digest(self._xades(cert, "CertDigest"), DigestAlgorithm.SHA1, hashlib.sha1(der).digest())
        self._xades(cert, "IssuerSerialV2", issuer_serial_v2(self.signing_certificate))
        policy_id = self._xades(self._xades(properties, "SignaturePolicyIdentifier"), "SignaturePolicyId")
        sig_policy = self._xades(policy_id, "SigPolicyId")
        self._xades(sig_policy, "Identifier", self.policy.identifier, Qualifier="OIDAsURN")
        self._xades(sig_policy, "Description", self.policy.description)
        self._digest(self._xades(policy_id, "SigPolicyHash"), DigestAlgorithm.SHA256, self.policy.digest)
        qualifier = self._xades(self._xades(policy_id, "SigPolicyQualifiers"), "SigPolicyQualifier")
        self._xades(qualifier, "SPURI", self.policy.uri)
        roles = self._xades(self._xades(properties, "SignerRoleV2"), "ClaimedRoles")
        self._xades(roles, "ClaimedRole", self.policy.role)
        data_objects = self._xades(signed, "SignedDataObjectProperties")
        data_format = self._xades(data_objects, "DataObjectFormat", ObjectReference=f"#{REFERENCE_ID}")
        self._xades(data_format, "MimeType", "application/octet-stream")

        reference = etree.SubElement(
            signed_info, ds_tag("Reference"), Type="http://uri.etsi.org/01903#SignedProperties", URI=f"#{PROPERTIES_ID}"
        )
        etree.SubElement(
            etree.SubElement(reference, ds_tag("Transforms")), ds_tag("Transform"), Algorithm=EXC_C14N.value
        )
        self._digest(
            reference,
            DigestAlgorithm.SHA256,
            self._get_digest(self._c14n(signed, algorithm=EXC_C14N), algorithm=DigestAlgorithm.SHA256),
        )


def sign(root, seal: Seal | None = None, policy: Policy | None = None):
    """The TEIF tree signed (a new tree); refuses a document TTN has already stamped."""
    if root.find("RefTtnVal") is not None or root.find(ds_tag("Signature")) is not None:
        raise ValueError("This TEIF document is already signed.")
    seal = seal or load_seal()
    signer = TeifSigner(policy or current_policy(), seal.certificate)
    return signer.sign(root, key=seal.key, cert=[seal.certificate, *seal.chain])


class TeifVerifier(XAdESVerifier):
    """signxml's verifier, taught the XPath filter transforms TTN's reference uses (signxml skips them)."""

    def _apply_transforms(self, payload, *, transforms_node, signature):
        filters = [] if transforms_node is None else self._findall(transforms_node, "Transform")
        filters = [t for t in filters if t.get("Algorithm") == XPATH_FILTER]
        if filters and not isinstance(payload, (str, bytes)):
            payload = self._fromstring(self._tostring(payload))
            for transform in filters:
                xpath = transform.find(ds_tag("XPath"))
                dropped = [
                    el for el in payload.iter() if not el.xpath(f"boolean({xpath.text})", namespaces=xpath.nsmap)
                ]
                for element in dropped:
                    _drop(element)
        return super()._apply_transforms(payload, transforms_node=transforms_node, signature=signature)


def _drop(element) -> None:
    """Remove an element and its subtree, keeping the text that follows it (XPath filtering drops nodes only)."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def verify(signed_root, *, ca_pem_file: str, policy: Policy | None = None):
    """Check the supplier's signature `SigFrs` against the given CA; returns signxml's results."""
    from signxml.xades import XAdESSignaturePolicy

    policy = policy or current_policy()
    expected = XAdESSignaturePolicy(
        Identifier=policy.identifier,
        Description=policy.description,
        DigestMethod=DigestAlgorithm.SHA256,
        DigestValue=policy.digest,
    )
    config = XAdESSignatureConfiguration(
        expect_references=2,
        digest_algorithms=frozenset({DigestAlgorithm.SHA256}),
    )
    return TeifVerifier().verify(
        signed_root, ca_pem_file=ca_pem_file, expect_signature_policy=expected, expect_config=config
    )
