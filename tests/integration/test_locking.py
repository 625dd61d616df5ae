"""Use cases that meet on the same lot, order and payment, at the same moment, on PostgreSQL:
none deadlocks and no change is lost (see shop/services/locking.py for the one lock order)."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from shop.extensions import db
from shop.models import Lot, Merchant, Order, Payment, StockMove, User
from shop.services import merchant, ordering, payments
from tests.checkout.conftest import make_buyer, seed_world

ROUNDS = 12
ADDRESS = ordering.ShippingAddress("Anna", "+79123456789", "RU", "Moscow", "Tverskaya 7", "125009")


@pytest.fixture
def pg_world(app, backend):
    if backend != "postgresql":
        pytest.skip("row locks and deadlocks are PostgreSQL's; SQLite lets one writer in at a time")
    with app.app_context():
        world = seed_world()
        buyer_id = make_buyer("buyer@example.com")
        staff_id = make_buyer("staff@example.com", role="staff")
        merchant_id = db.session.scalar(sa.select(Merchant.id))
        lot_id = db.session.scalar(sa.select(Lot.id).where(Lot.lot_number == "LOT-CR-1"))
    return {"product": world["CR-ROSE"], "buyer": buyer_id, "staff": staff_id, "merchant": merchant_id,
            "lot": lot_id}


def _place(app, w, key: str, quantity: int = 1, now: dt.datetime | None = None) -> str:
    with app.app_context():
        return ordering.place_order(
            user_id=w["buyer"], email="buyer@example.com", lang="en", items=[(w["product"], quantity)],
            address=ADDRESS, line="auto", payment_method="stripe", currency="USD", idempotency_key=key,
            now=now).number


def _together(app, *jobs) -> list[BaseException]:
    """Run the jobs at the same moment, each in its own app context (own session, own connection)."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                job()
            except BaseException as error:  # noqa: B036 - every failure, deadlocks included, is reported
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a use case never finished"
    return errors


def _lot_and_ledger(app, lot_id: int) -> tuple[tuple[int, int], tuple[int, int]]:
    with app.app_context():
        lot = db.session.get(Lot, lot_id)
        on_hand, reserved = db.session.execute(
            sa.select(sa.func.coalesce(sa.func.sum(StockMove.on_hand_delta), 0),
                      sa.func.coalesce(sa.func.sum(StockMove.reserved_delta), 0))
            .where(StockMove.lot_id == lot_id)).one()
        return (lot.on_hand, lot.reserved), (int(on_hand), int(reserved))


@pytest.mark.committed  # threads race on connections of their own
def test_cancelling_an_order_while_the_merchant_counts_its_lot(app, pg_world):
    w = pg_world
    (start_on_hand, _), _ = _lot_and_ledger(app, w["lot"])
    for n in range(ROUNDS):
        number = _place(app, w, f"cancel-{n}", quantity=2)

        def cancel(number=number):
            ordering.cancel_order(number, db.session.get(User, w["staff"]))

        def count_up():
            merchant.adjust_lot(w["merchant"], w["lot"], 1, "recount", None)

        assert _together(app, cancel, count_up) == []
    lot, ledger = _lot_and_ledger(app, w["lot"])
    # Every cancellation gave its two units back and every recount added one: nothing lost.
    assert lot == ledger == (start_on_hand + ROUNDS, 0)
    with app.app_context():
        assert set(db.session.scalars(sa.select(Order.status))) == {"cancelled"}


@pytest.mark.committed  # threads race on connections of their own
def test_placing_an_order_while_an_overdue_one_on_the_same_lot_expires(app, pg_world):
    w = pg_world
    (start_on_hand, _), _ = _lot_and_ledger(app, w["lot"])
    late = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    placed = []
    for n in range(ROUNDS):
        overdue = _place(app, w, f"late-{n}", now=late)

        def place(n=n):
            placed.append(_place(app, w, f"new-{n}"))

        def expire(overdue=overdue):
            ordering.expire_overdue(number=overdue)

        assert _together(app, place, expire) == []
    lot, ledger = _lot_and_ledger(app, w["lot"])
    assert lot == ledger == (start_on_hand, len(placed))
    with app.app_context():
        statuses = dict(db.session.execute(sa.select(Order.number, Order.status)).all())
    assert len(placed) == ROUNDS
    assert {statuses[number] for number in placed} == {"pending_payment"}
    assert {status for number, status in statuses.items() if number not in placed} == {"cancelled"}


@pytest.mark.committed  # threads race on connections of their own
def test_a_payment_succeeding_while_staff_cancel_the_order(app, pg_world):
    """The webhook locks the payment's order before the payment; cancelling locks the order and then
    writes the payment. Either may win, never both half-way."""
    w = pg_world
    for n in range(ROUNDS):
        number = _place(app, w, f"pay-{n}")
        with app.app_context():
            order = db.session.scalar(sa.select(Order).where(Order.number == number))
            db.session.add(Payment(order_id=order.id, provider="stripe", provider_ref=f"pi_race_{n}",
                                   amount_minor=100, currency="USD", status="requires_action"))
            db.session.commit()
        intent = {"id": f"pi_race_{n}", "amount": 100, "amount_received": 100, "currency": "usd", "status": "succeeded",
                  "metadata": {"order_number": number}}

        def succeed(intent=intent):
            payments._apply_success_now(intent)

        def cancel(number=number):
            ordering.cancel_order(number, db.session.get(User, w["staff"]))  # staff may cancel a paid order

        assert _together(app, succeed, cancel) == []
        with app.app_context():
            order = db.session.scalar(sa.select(Order).where(Order.number == number))
            payment = db.session.scalar(sa.select(Payment).where(Payment.provider_ref == f"pi_race_{n}"))
            # Cancelled before the money came (it goes back), paid then cancelled (refunded), or paid and
            # kept: never cancelled with the money simply taken.
            assert (order.status, payment.status) in {
                ("cancelled", "refund_pending"), ("refunded", "refund_pending"), ("paid", "succeeded")}
    lot, ledger = _lot_and_ledger(app, w["lot"])
    assert lot == ledger
    with app.app_context():
        kept = db.session.scalar(sa.select(sa.func.count(Order.id)).where(Order.status == "paid"))
    assert lot[1] == kept
