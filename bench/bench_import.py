"""The CSV import (`flask shop import-listings`) at its row cap: new listings with a lot each, the
same file again (nothing to change), and a file refused by its last row."""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import ROOT, report

# A portal upload runs inside one request: it must finish well within gunicorn's worker timeout.
BUDGET_S = 30.0


def listings_csv(rows: int, bad_last: bool = False) -> bytes:
    from shop.services.listings import COLUMNS
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for i in range(rows):
        price = "12,50" if bad_last and i == rows - 1 else "12.50"
        writer.writerow([f"BENCH-{i}", f"Bench chocolate {i}", f"测试巧克力 {i}", f"Тестовый шоколад {i}",
                         f"آزمائشی چاکلیٹ {i}", "Dark chocolate, 100 g.", "", "Тёмный шоколад.", "",
                         "sweets-chocolate", "KZ", "1806.32", price, "110", "160", "80", "10", "fragile",
                         f"BENCH-LOT-{i}", "50", "", "A-09-01", "650820260350231436"])
    return out.getvalue().encode("utf-8")


def _import(path: Path, env: dict) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "shop", "import-listings", str(path),
                           "--merchant", "lieba-bakery"], cwd=ROOT, env=env, capture_output=True, text=True)
    return time.perf_counter() - t0, done


def main() -> None:
    from shop.services.listings import MAX_ROWS
    print("import")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        env = {**os.environ, "DATABASE_URL": url}
        for args in (["db", "upgrade"], ["shop", "demo"]):
            subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
                           capture_output=True)
        bad = Path(tmp) / "bad.csv"
        bad.write_bytes(listings_csv(MAX_ROWS, bad_last=True))
        refused_s, done = _import(bad, env)
        good = Path(tmp) / "good.csv"
        good.write_bytes(listings_csv(MAX_ROWS))
        first_s, first = _import(good, env)
        again_s, again = _import(good, env)
        if first.returncode or again.returncode or not done.returncode:
            raise RuntimeError(f"import bench did not run as expected:\n{first.stderr}\n{again.stderr}")
        report(f"import {MAX_ROWS} new listings + lots (SQLite)", f"{first_s:.1f} s",
               f"{MAX_ROWS / first_s:.0f} rows/s; budget {BUDGET_S:.0f} s, ratio {first_s / BUDGET_S:.2f}")
        report("  same file again (nothing changes)", f"{again_s:.1f} s", f"ratio to first {again_s / first_s:.2f}")
        report("  refused by its last row (nothing written)", f"{refused_s:.1f} s",
               f"ratio to first {refused_s / first_s:.2f}")


if __name__ == "__main__":
    main()
