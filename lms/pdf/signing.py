"""PAdES B-B signatures with pyHanko, when a PKCS#12 key is configured; a self-signed key for demos."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from io import BytesIO
from pathlib import Path


@lru_cache(maxsize=4)
def _signer(path: str, passphrase: str):
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load_pkcs12(path, passphrase=passphrase.encode("utf-8") if passphrase else None)
    if signer is None:
        raise RuntimeError(f"cannot load the signing key {path}")
    return signer


def sign_pdf(pdf: bytes, p12_path: str, passphrase: str, reason: str) -> bytes:
    """Sign the whole document (PAdES baseline B-B, SHA-256)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name="Signature", reason=reason, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES)
    return signers.sign_pdf(writer, meta, signer=_signer(p12_path, passphrase)).getvalue()


def sign_if_configured(pdf: bytes, config, reason: str) -> bytes:
    path = config.get("CERT_SIGNING_P12")
    if not path:
        return pdf
    return sign_pdf(pdf, path, config.get("CERT_SIGNING_PASSPHRASE", ""), reason)


def create_self_signed(path: Path, passphrase: str, common_name: str) -> None:
    """An EC P-256 key and a self-signed certificate in a PKCS#12 file (demo and tests only)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
                      x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    encryption = (serialization.BestAvailableEncryption(passphrase.encode("utf-8")) if passphrase
                  else serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"quantriet", key, cert, None, encryption))
    path.chmod(0o600)
