"""The worker's jobs at volume, each beside a reference measured in the same run:
- outbox delivery to a local SMTP server (aiosmtpd): mails per second through render + send,
  against smtplib sending the same number of ready-made messages;
- expiring 10,000 due reservations (stock back through the ledger, a mail each), against one
  bare UPDATE of the same orders.
Run with `python -m bench.bench_worker` (BENCH_MAILS, BENCH_EXPIRED override the counts)."""
from __future__ import annotations

import datetime as dt
import os
import smtplib
import tempfile
import time
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path

import sqlalchemy as sa

from bench.harness import free_port, report

MAILS = int(os.environ.get("BENCH_MAILS", "300"))
EXPIRED = int(os.environ.get("BENCH_EXPIRED", "10000"))


def _app(url: str, **config):
    from config import DevelopmentConfig
    from shop import create_app
    from shop.extensions import db
    app = create_app({**{k: getattr(DevelopmentConfig, k) for k in dir(DevelopmentConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": url, **config})
    with app.app_context():
        from flask_migrate import upgrade
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
        db.session.remove()
    return app


class _Sink:
    count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        _Sink.count += 1
        return "250 OK"


def bench_outbox(tmp: Path) -> None:
    from aiosmtpd.controller import Controller

    from shop.extensions import db
    from shop.services import outbox
    port = free_port()
    controller = Controller(_Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app = _app(f"sqlite:///{tmp / 'outbox.db'}", MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        with app.app_context():
            for n in range(MAILS):
                outbox.enqueue(f"buyer{n}@example.com", "password_reset", ("en", "zh", "ru", "ur")[n % 4],
                               name=f"Buyer {n}", minutes=60, link=outbox.link("storefront.home", lang="en"))
            db.session.commit()
            t0 = time.perf_counter()
            sent = 0
            while sent < MAILS:
                done = outbox.deliver_pending(limit=100)
                if not done:
                    break
                sent += done
            shop_seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        for n in range(MAILS):
            message = EmailMessage()
            message["From"], message["To"], message["Subject"] = "shop@example.com", f"r{n}@example.com", "Hello"
            message.set_content("Choose a new password: http://127.0.0.1:5000/en/")
            with smtplib.SMTP("127.0.0.1", port, timeout=20) as smtp:
                smtp.send_message(message)
        raw_seconds = time.perf_counter() - t0
    finally:
        controller.stop()
    report("outbox: mails delivered per second (render + SMTP)", f"{sent / shop_seconds:.0f}/s",
           f"smtplib alone {MAILS / raw_seconds:.0f}/s; ratio {(sent / shop_seconds) / (MAILS / raw_seconds):.2f}")


def _seed_due_orders(app, count: int) -> None:
    from shop.extensions import db
    from shop.models import Category, Lot, Merchant, Order, OrderLine, Product, StockMove
    past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    with app.app_context():
        merchant, category = Merchant(slug="bench", name="Bench"), Category(slug="bench")
        product = Product(sku="B-1", merchant=merchant, category=category, origin_country="RU", hs_code="190590",
                          price_cny=Decimal("10.00"), weight_g=100, length_mm=10, width_mm=10, height_mm=10)
        lot = Lot(product=product, lot_number="B-LOT", customs_entry="CE", on_hand=count, reserved=count, bin="A-1")
        db.session.add_all([merchant, category, product, lot])
        db.session.flush()
        db.session.add(StockMove(lot_id=lot.id, kind="intake", on_hand_delta=count, note="bench"))
        common = dict(email="b@example.com", lang="en", status="pending_payment", flow="export",
                      payment_method="stripe", currency="CNY", exchange_rate=Decimal(1), goods_cny=Decimal("10.00"),
                      shipping_cny=Decimal(0), tax_cny=Decimal(0), total_cny=Decimal("10.00"), ship_name="B",
                      ship_phone="+79123456789", ship_country="RU", ship_city="Moscow", ship_address="Street 1",
                      ship_postcode="125009", payment_deadline=past, placed_at=past)
        db.session.execute(sa.insert(Order), [{"id": n, "number": f"BENCH-{n:06d}", **common}
                                              for n in range(1, count + 1)])
        db.session.execute(sa.insert(OrderLine), [
            {"order_id": n, "product_id": product.id, "sku": "B-1", "name": "Bench", "quantity": 1,
             "unit_price_cny": Decimal("10.00")} for n in range(1, count + 1)])
        db.session.execute(sa.insert(StockMove), [
            {"lot_id": lot.id, "kind": "reserve", "reserved_delta": 1, "on_hand_delta": 0, "order_id": n,
             "note": "bench"} for n in range(1, count + 1)])
        db.session.commit()


def bench_expiry(tmp: Path) -> None:
    from shop.extensions import db
    from shop.models import Lot, Order
    from shop.services import payments
    app = _app(f"sqlite:///{tmp / 'expire.db'}", MAIL_DIR=str(tmp / "mail"))
    _seed_due_orders(app, EXPIRED)
    with app.app_context():
        t0 = time.perf_counter()
        expired = payments.expire_reservations()
        shop_seconds = time.perf_counter() - t0
        assert len(expired) == EXPIRED and db.session.scalar(sa.select(Lot.reserved)) == 0
    reference = _app(f"sqlite:///{tmp / 'reference.db'}")
    _seed_due_orders(reference, EXPIRED)
    with reference.app_context():
        t0 = time.perf_counter()
        db.session.execute(sa.update(Order).where(Order.status == "pending_payment").values(status="cancelled"))
        db.session.commit()
        raw_seconds = time.perf_counter() - t0
    report(f"worker: expire {EXPIRED:,} due reservations (ledger, mail each)", f"{shop_seconds:.1f} s",
           f"bare UPDATE {raw_seconds:.2f} s; {shop_seconds / EXPIRED * 1000:.2f} ms an order")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bench_outbox(Path(tmp))
        bench_expiry(Path(tmp))


if __name__ == "__main__":
    main()
