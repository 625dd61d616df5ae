"""Memory of one gunicorn worker under a varied request mix (listing pages with many queries and
pages, product pages, catalogue JSON, quotes), sampled after each round: the figure is the
growth over the second half of the run, per 1,000 requests, beside the bare-Flask reference app
driven the same way in the same run. Caches are bounded, so after they fill memory stays flat.
Run with `python -m bench.bench_memory` (BENCH_MEMORY_ROUNDS overrides the rounds)."""
from __future__ import annotations

import http.client
import json
import os
import tempfile
import time
import urllib.parse
from pathlib import Path

from bench.harness import gunicorn, prepared_database, report, rss_mb

ROUNDS = int(os.environ.get("BENCH_MEMORY_ROUNDS", "40"))
WORDS = ["bread", "honey", "tea", "soap", "chocolate", "мёд", "хлеб", "蜂蜜", "面包", "شہد", "rose", "milk", "salt"]


def _paths(round_no: int) -> list[tuple[str, str, bytes | None]]:
    paths: list[tuple[str, str, bytes | None]] = []
    for n, word in enumerate(urllib.parse.quote(w) for w in WORDS):
        lang = ("en", "ru", "zh", "ur")[n % 4]
        paths.append(("GET", f"/{lang}/products?q={word}&r={round_no}", None))
        paths.append(("GET", f"/{lang}/products?page={1 + n % 4}", None))
        paths.append(("GET", f"/api/v1/products?q={word}&page={1 + round_no % 3}", None))
    body = json.dumps({"destination": {"country": "RU", "city": "Moscow"},
                       "items": [{"sku": "KZ-0001", "quantity": 1 + round_no % 5}]}).encode()
    paths += [("POST", "/api/v1/quote", body)] * 10
    paths += [("GET", f"/en/products/{slug}", None) for slug in ("alenka-milk-chocolate", "lieba-bread-soft-bag")]
    return paths * 4


def _drive(port: int, paths: list[tuple[str, str, bytes | None]]) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    done = 0
    for method, path, body in paths:
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
        conn.getresponse().read()
        done += 1
    conn.close()
    return done


def _growth(app_spec: str, env: dict, reference: bool) -> tuple[float, float, int]:
    with gunicorn(app_spec, env=env, workers=1, threads=1) as (port, pid):
        _drive(port, _paths(0) if not reference else [("GET", "/", None)] * 200)
        samples, requests = [], 0
        for round_no in range(1, ROUNDS + 1):
            paths = (_paths(round_no) if not reference
                     else [("GET", f"/x{round_no}/{n}", None) for n in range(len(_paths(0)))])
            requests += _drive(port, paths)
            time.sleep(0.2)
            samples.append((requests, rss_mb(pid)))
    half = samples[len(samples) // 2 - 1]
    last = samples[-1]
    per_thousand = (last[1] - half[1]) / max(last[0] - half[0], 1) * 1000
    return per_thousand, last[1], requests


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = prepared_database(Path(tmp) / "shop.db")
        env = {"DATABASE_URL": url, "STOREFRONT_PAGE_CACHE_SECONDS": "30", "RATELIMIT_ENABLED": "0"}
        shop, shop_rss, count = _growth("wsgi:app", env, reference=False)
        bare, bare_rss, _ = _growth("bench.reference_app:app", {}, reference=True)
    report("memory: one worker's growth, second half of the run (MB per 1k requests)", f"{shop:+.2f} MB",
           f"bare Flask {bare:+.2f} MB; {count:,} requests; worker at {shop_rss:.0f} MB, bare {bare_rss:.0f} MB")


if __name__ == "__main__":
    main()
