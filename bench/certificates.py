"""Certificate speed: `python -m bench.certificates [--rounds 20] [--zip 1000]`.

1. Render time of one certificate against a floor measured in the same run: fpdf2 writing a
   one-line page in the same font as installed; also the certificate with the installed fonts
   loaded per document, and the one-line page in the cut-down font, for comparison.
2. A ZIP of already-issued certificates streamed from the database (DATABASE_URL / INSTANCE_PATH,
   after `make run` or `flask demo`): time and peak Python memory. The certificates are copies of
   one issued PDF under new serials, added for the run and removed afterwards.
"""
from __future__ import annotations

import argparse
import secrets
import statistics
import time
import tracemalloc
from dataclasses import replace
from datetime import date

from fpdf import FPDF
from sqlalchemy import delete, select

from app import app
from lms.certificates import services
from lms.exports.zipstream import stream_zip
from lms.extensions import db
from lms.models import Certificate, CertificateFile
from lms.pdf import fonts
from lms.pdf.certificate import CertificateText, render_certificate


def _floor(family: fonts.FontFamily) -> bytes:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.add_font("F", "", str(family.regular))
    pdf.add_page()
    pdf.set_font("F", "", 14)
    pdf.cell(0, 10, "Nguyễn Thị Hồng Nhung — Quy tắc ứng xử trên mạng xã hội")
    return bytes(pdf.output())


def _timed(function, rounds: int) -> tuple[float, float]:
    function()
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def _render_bench(rounds: int) -> None:
    installed, family = fonts.choose(), fonts.prepared()
    text = CertificateText(
        "UBND TỈNH THANH HÓA", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "GIẤY CHỨNG NHẬN", "Nguyễn Thị Hồng Nhung",
        "Chi nhánh Văn phòng Đăng ký đất đai thành phố Sầm Sơn", "Chuyên viên chính",
        "Quy tắc ứng xử trên mạng xã hội", "V/v tiếp tục thực hiện Quy tắc ứng xử trên mạng xã hội.",
        "Kết quả bài kiểm tra: 91,67% — Đạt", "Thanh Hóa", date(2024, 2, 5), date(2026, 2, 5), "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC", "Nguyễn Khánh Toàn", "2024/QTMXH-00012", "http://127.0.0.1:5000/verify/" + "x" * 32)
    floor = _timed(lambda: _floor(installed), rounds)
    rows = [
        ("floor: one-line page, installed font", floor),
        ("one-line page, cut-down font", _timed(lambda: _floor(family), rounds)),
        ("certificate, installed fonts", _timed(
            lambda: render_certificate(replace(text, serial=secrets.token_hex(4)), installed), rounds)),
        ("certificate, cut-down fonts (as issued)", _timed(
            lambda: render_certificate(replace(text, serial=secrets.token_hex(4)), family), rounds)),
    ]
    print(f"font: {installed.name}, {rounds} rounds")
    print(f"{'':<42} {'median ms':>10} {'p95 ms':>8} {'x floor':>8}")
    for label, (median, p95) in rows:
        print(f"{label:<42} {median:>10.1f} {p95:>8.1f} {median / floor[0]:>8.1f}")


def _zip_bench(count: int) -> None:
    with app.app_context():
        template = db.session.scalar(select(Certificate).order_by(Certificate.id))
        if template is None:
            print("ZIP: no issued certificate in this database (run `flask demo` first); skipped")
            return
        pdf = db.session.get(CertificateFile, template.id).pdf
        columns = {c.name: getattr(template, c.name) for c in Certificate.__table__.columns if c.name != "id"}
        added = []
        for n in range(count):
            copy = Certificate(**{**columns, "serial": f"BENCH/{n:06d}", "code": secrets.token_urlsafe(24),
                                  "status": "revoked"})
            db.session.add(copy)
            db.session.flush()
            db.session.add(CertificateFile(certificate_id=copy.id, pdf=pdf))
            added.append(copy.id)
        db.session.commit()
        try:
            query = services.filtered_query(None, services.CertificateFilter()).where(Certificate.id.in_(added))
            tracemalloc.start()
            started = time.perf_counter()
            size = 0
            for chunk in stream_zip(services.export_entries(query)):
                size += len(chunk)
            elapsed = time.perf_counter() - started
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"ZIP of {count} issued certificates: {elapsed:.2f} s, {size / 1e6:.1f} MB, "
                  f"peak Python memory {peak / 1e6:.1f} MB")
        finally:
            db.session.execute(delete(CertificateFile).where(CertificateFile.certificate_id.in_(added)))
            db.session.execute(delete(Certificate).where(Certificate.id.in_(added)))
            db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--zip", type=int, default=1000)
    args = parser.parse_args()
    _render_bench(args.rounds)
    _zip_bench(args.zip)


if __name__ == "__main__":
    main()
