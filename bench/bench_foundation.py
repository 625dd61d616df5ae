"""Demo load time, and /api/v1/products under gunicorn against a bare Flask JSON endpoint."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.harness import ROOT, gunicorn, load, prepared_database, report


def main() -> None:
    print("foundation")
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.db"
        url = f"sqlite:///{db_path}"
        env = {**os.environ, "DATABASE_URL": url}
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                       check=True, capture_output=True)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "shop", "demo"], cwd=ROOT, env=env,
                       check=True, capture_output=True)
        demo_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env, check=True, capture_output=True)
        startup_s = time.perf_counter() - t0
        report("demo load (flask shop demo, SQLite)", f"{demo_s:.2f} s",
               f"app start alone {startup_s:.2f} s; ratio {demo_s / startup_s:.1f}x")
        prepared_database(db_path)

        with gunicorn("wsgi:app", env={"DATABASE_URL": url}) as (port, _pid):
            body = urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/products").read()
            shop = load(port, "/api/v1/products")
        with gunicorn("wsgi:app", env={"DATABASE_URL": url, "STOREFRONT_PAGE_CACHE_SECONDS": "0"}) as (port, _pid):
            uncached = load(port, "/api/v1/products")
        body_file = Path(tmp) / "products.json"
        body_file.write_bytes(body)
        with gunicorn("bench.reference_app:app", env={"BENCH_BODY_FILE": str(body_file)}) as (port, _pid):
            ref = load(port, "/api/v1/products")
        report("GET /api/v1/products (24 items) req/s", f"{shop['rps']:.0f}",
               f"p95 {shop['p95_ms']:.1f} ms, errors {shop['errors']}")
        report("  bare Flask, same JSON bytes, req/s", f"{ref['rps']:.0f}", f"p95 {ref['p95_ms']:.1f} ms")
        report("  ratio shop / reference", f"{shop['rps'] / ref['rps']:.2f}", f"{len(body)} bytes per response")
        report("GET /api/v1/products, response cache off, req/s", f"{uncached['rps']:.0f}",
               f"ratio {uncached['rps'] / ref['rps']:.2f}; p95 {uncached['p95_ms']:.1f} ms")


if __name__ == "__main__":
    main()
