"""Export speed and memory: `python -m bench.exports [--rows 50000] [--people 400]`.

1. A list of people streamed to CSV and to XLSX from a generator (as a database query yields
   rows): time without tracing, peak Python memory under tracemalloc, and the growth of the
   process's peak resident memory (C allocations included), each format in a fresh process.
2. The round report PDF with a per-unit table and a list of people not yet complete.
"""
from __future__ import annotations

import argparse
import multiprocessing
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta

from lms.exports.sheets import Column, csv_chunks, xlsx_chunks
from lms.pdf import fonts
from lms.pdf.report import PendingPerson, ReportData, Signatory, UnitRow, render_report

COLUMNS = [Column("Mã nhân viên"), Column("Họ và tên"), Column("Đơn vị"), Column("Chức vụ"),
           Column("Tình trạng"), Column("Hạn hoàn thành"), Column("Lần cuối vào học"), Column("Điểm")]
WRITERS = {"CSV": csv_chunks, "XLSX": xlsx_chunks}


def people_rows(count: int):
    started = datetime(2024, 2, 1, 1, 0, tzinfo=UTC)
    for n in range(count):
        yield (f"{n:06d}", f"Nguyễn Thị Hồng Nhung {n}", f"Chi nhánh Văn phòng Đăng ký đất đai số {n % 300}",
               "Chuyên viên chính", ("Chưa bắt đầu", "Đang học", "Đã cấp giấy chứng nhận")[n % 3], date(2024, 3, 12),
               started + timedelta(minutes=n), "=HYPERLINK(\"http://x\")" if n % 97 == 0 else n % 100 / 10)


def _rss_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def _measure(kind: str, count: int, results) -> None:
    writer = WRITERS[kind]
    baseline = _rss_kib("VmRSS:")
    started = time.perf_counter()
    size = sum(len(chunk) for chunk in writer(COLUMNS, people_rows(count)))
    elapsed = time.perf_counter() - started
    grown = _rss_kib("VmHWM:") - baseline
    tracemalloc.start()
    sum(len(chunk) for chunk in writer(COLUMNS, people_rows(count)))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    results.put((kind, elapsed, size, peak, grown))


def _sheets_bench(count: int) -> None:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    print(f"{count:,} rows × {len(COLUMNS)} columns")
    print(f"{'':<6} {'time s':>8} {'size MB':>8} {'peak Python MB':>15} {'peak RSS growth MB':>19}")
    for kind in WRITERS:
        process = context.Process(target=_measure, args=(kind, count, results))
        process.start()
        kind, elapsed, size, peak, grown = results.get()
        process.join()
        print(f"{kind:<6} {elapsed:>8.2f} {size / 1e6:>8.1f} {peak / 1e6:>15.2f} {grown / 1024:>19.1f}")


def _report_bench(people: int) -> None:
    missing = [people // 40 + (1 if n < people % 40 else 0) for n in range(40)]  # the list, spread over units
    units = tuple(UnitRow(f"Chi nhánh Văn phòng Đăng ký đất đai số {n}", max(100, gap), max(100, gap) - gap)
                  for n, gap in enumerate(missing))
    must, certified = sum(u.must_complete for u in units), sum(u.certified for u in units)
    data = ReportData(
        "UBND TỈNH THANH HÓA", "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "Sở Tài nguyên và Môi trường", "BC-STNMT", "Thanh Hóa",
        date(2024, 3, 15), "Quy tắc ứng xử trên mạng xã hội", "Đợt 1 năm 2024", date(2024, 2, 5), date(2024, 3, 12),
        must, certified, (("chưa bắt đầu", must - certified),), (), certified, units,
        tuple(PendingPerson(f"Nguyễn Thị Hồng {n}", units[n % 40].unit_name, "Chưa bắt đầu") for n in range(people)),
        Signatory("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Khánh Toàn"), ("UBND tỉnh (để b/c);",), "VT, DLTT")
    family = fonts.prepared()
    render_report(data, family)
    started = time.perf_counter()
    pdf = render_report(data, family)
    print(f"report PDF, 40 units and {people} people not yet complete: {time.perf_counter() - started:.2f} s, "
          f"{len(pdf) / 1e3:.0f} kB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--people", type=int, default=400)
    args = parser.parse_args()
    _sheets_bench(args.rows)
    _report_bench(args.people)


if __name__ == "__main__":
    main()
