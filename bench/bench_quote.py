"""Quotes per second through the database: shop.services.quotes in process, and POST /api/v1/quote
under gunicorn, each beside a trivial reference measured in the same run."""
from __future__ import annotations

import json
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.harness import gunicorn, load, prepared_database, report

DESTINATION = ("KZ", "Almaty")  # three lines serve it: the Bishkek truck, air and rail


def _per_second(call, seconds: float = 2.0) -> float:
    """Calls per second over about `seconds`, after a short warm-up."""
    for _ in range(20):
        call()
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for _ in range(20):
            call()
        count += 20
    return count / elapsed


def in_process(url: str) -> tuple[dict, list[str]]:
    """Quotes per second in one process, each in its own app context as a request would be."""
    import sqlalchemy as sa

    from config import Config
    from shop import create_app
    from shop.extensions import db
    from shop.models import Product
    from shop.services import quotes
    from shop.services.lines import line_set

    app = create_app({**{k: getattr(Config, k) for k in dir(Config) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        products = list(db.session.scalars(sa.select(Product).where(Product.active.is_(True))
                                           .order_by(Product.id).limit(3)))
        skus = [p.sku for p in products]
        items = [(p, 1 + n) for n, p in enumerate(products)]
        assert quotes.quote_products(items, *DESTINATION).options, "the bench order must be routable"
        lines = line_set().lines
        for p in products:
            db.session.expunge(p)

    def one_quote():
        with app.app_context():
            quotes.quote_products(items, *DESTINATION)

    def lines_only():
        with app.app_context():
            line_set()

    def reference():
        with app.app_context():
            db.session.execute(sa.text("SELECT 1")).scalar()

    from shop.domain import routing
    domain_items = quotes.to_items(items)
    destination = routing.Destination(*DESTINATION)
    now = quotes.current_time()

    def pure():
        routing.quote(domain_items, destination, now, lines)

    figures = {"quote": _per_second(one_quote), "lines": _per_second(lines_only),
               "reference": _per_second(reference), "pure": _per_second(pure)}
    with app.app_context():
        db.engine.dispose()
    return figures, skus


def main() -> None:
    print("quote: POST /api/v1/quote and shop.services.quotes over the demo lines")
    with tempfile.TemporaryDirectory() as tmp:
        url = prepared_database(Path(tmp) / "bench.db")
        figures, skus = in_process(url)
        report("quotes.quote_products, 3 items, DB lines, per s", f"{figures['quote']:,.0f}",
               f"app context + SELECT 1: {figures['reference']:,.0f}/s; "
               f"ratio {figures['quote'] / figures['reference']:.2f}")
        report("  of which: line cache check (one query) per s", f"{figures['lines']:,.0f}",
               f"pure routing.quote on cached lines: {figures['pure']:,.0f}/s")

        body = json.dumps({"destination": {"country": DESTINATION[0], "city": DESTINATION[1]},
                           "items": [{"sku": sku, "quantity": 1 + n} for n, sku in enumerate(skus)]}).encode()
        headers = {"Content-Type": "application/json", "Accept-Language": "ru"}
        with gunicorn("wsgi:app", env={"DATABASE_URL": url}) as (port, _pid):
            request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/quote", data=body, headers=headers)
            answer = urllib.request.urlopen(request).read()
            assert json.loads(answer)["options"], "the bench order must be routable over HTTP"
            shop = load(port, "/api/v1/quote", method="POST", body=body, headers=headers)
        body_file = Path(tmp) / "quote.json"
        body_file.write_bytes(answer)
        with gunicorn("bench.reference_app:app", env={"BENCH_BODY_FILE": str(body_file)}) as (port, _pid):
            ref = load(port, "/api/v1/quote", method="POST", body=body, headers=headers)
        report("POST /api/v1/quote (3 items, 6 lines) req/s", f"{shop['rps']:.0f}",
               f"p50 {shop['p50_ms']:.1f} ms, p95 {shop['p95_ms']:.1f} ms, errors {shop['errors']}")
        report("  bare Flask, same JSON bytes, req/s", f"{ref['rps']:.0f}", f"p95 {ref['p95_ms']:.1f} ms")
        report("  ratio shop / reference", f"{shop['rps'] / ref['rps']:.2f}", f"{len(answer)} bytes per response")


if __name__ == "__main__":
    main()
