"""PAdES signature: intact over the whole file when a key is configured; one flipped byte breaks it."""
from io import BytesIO

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from lms.extensions import db
from lms.models import CertificateFile
from lms.pdf.signing import create_self_signed
from tests.cert_helpers import pass_quiz
from tests.factories import make_user


@pytest.fixture
def signing_key(app, tmp_path):
    path = tmp_path / "signing.p12"
    create_self_signed(path, "mật khẩu ký", "Sở Tài nguyên và Môi trường (thử)")
    app.config.update(CERT_SIGNING_P12=str(path), CERT_SIGNING_PASSPHRASE="mật khẩu ký")
    yield path
    app.config.update(CERT_SIGNING_P12="", CERT_SIGNING_PASSPHRASE="")


def _context(path) -> ValidationContext:
    _key, cert, _extra = pkcs12.load_key_and_certificates(path.read_bytes(), "mật khẩu ký".encode())
    return ValidationContext(trust_roots=[asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))])


def test_issued_certificates_are_signed_and_tamper_evident(ctx, course, signing_key):
    from lms.certificates import services

    user = make_user("Vũ Thị Hạnh")
    pass_quiz(user, course)
    certificate = services.sign_commitment(user, course, agreed=True, typed_name=user.full_name,
                                           ip_address=None, user_agent=None)
    pdf = db.session.get(CertificateFile, certificate.id).pdf
    status = validate_pdf_signature(PdfFileReader(BytesIO(pdf)).embedded_signatures[0], _context(signing_key))
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    tampered = bytearray(pdf)
    tampered[len(pdf) // 3] ^= 0x01
    broken = validate_pdf_signature(PdfFileReader(BytesIO(bytes(tampered))).embedded_signatures[0],
                                    _context(signing_key))
    assert not broken.intact


def test_without_a_key_certificates_are_not_signed(ctx, course):
    from lms.certificates import services

    user = make_user()
    pass_quiz(user, course)
    certificate = services.sign_commitment(user, course, agreed=True, typed_name=user.full_name,
                                           ip_address=None, user_agent=None)
    pdf = db.session.get(CertificateFile, certificate.id).pdf
    assert PdfFileReader(BytesIO(pdf)).embedded_signatures == []
