"""A throw-away PKI for signature tests: root CA → intermediate CA → the garage's seal, as a PKCS#12 file."""

from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID


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


def make_pki(tmp_path_factory) -> dict:
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
