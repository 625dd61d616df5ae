"""The database itself refuses a status the shop does not know, on SQLite and PostgreSQL alike."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from shop.domain.allocation import CustomsStatus
from shop.domain.orders import OrderStatus, ShipmentStatus
from shop.domain.payments import PaymentStatus
from shop.extensions import db
from shop.models import ExpressLine, Lot, Order, Payment, Shipment


def _order_with_payment_and_shipment() -> tuple[int, int, int]:
    line = db.session.scalars(sa.select(ExpressLine).order_by(ExpressLine.id)).first()
    today = dt.date.today()
    order = Order(
        number="KS-CHECK-1", email="b@example.com", flow="export", payment_method="stripe", currency="CNY",
        exchange_rate=Decimal(1), goods_cny=Decimal("10"), shipping_cny=Decimal(0), tax_cny=Decimal(0),
        total_cny=Decimal("10"), ship_name="Anna", ship_phone="+79161234567", ship_country="RU",
        ship_city="Moscow", ship_address="Tverskaya 1")
    order.payments.append(Payment(provider="stripe", amount_minor=1000, currency="CNY"))
    order.shipments.append(Shipment(line_id=line.id, chargeable_weight_g=500, cost_cny=Decimal("5"),
                                    delivery_earliest=today, delivery_latest=today))
    db.session.add(order)
    db.session.commit()
    return order.id, order.payments[0].id, order.shipments[0].id


CASES = [
    (Order, "status", OrderStatus, "order"),
    (Payment, "status", PaymentStatus, "payment"),
    (Shipment, "status", ShipmentStatus, "shipment"),
    (Lot, "customs_status", CustomsStatus, "lot"),
]


@pytest.mark.parametrize(("model", "column", "vocabulary", "which"), CASES, ids=[case[3] for case in CASES])
def test_every_known_status_is_stored_and_an_unknown_one_is_refused(demo, model, column, vocabulary, which):
    with demo.app_context():
        order_id, payment_id, shipment_id = _order_with_payment_and_shipment()
        row_id = {"order": order_id, "payment": payment_id, "shipment": shipment_id,
                  "lot": db.session.scalar(sa.select(sa.func.min(Lot.id)))}[which]
        attribute = getattr(model, column)
        for status in vocabulary:
            db.session.execute(sa.update(model).where(model.id == row_id).values({column: status.value}))
            db.session.commit()
            assert db.session.scalar(sa.select(attribute).where(model.id == row_id)) == status.value
        last = list(vocabulary)[-1].value

        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(sa.update(model).where(model.id == row_id).values({column: "lost_in_transit"}))
            db.session.flush()
        db.session.rollback()
        assert db.session.scalar(sa.select(attribute).where(model.id == row_id)) == last


def test_a_new_payment_with_an_unknown_status_is_not_saved(demo):
    with demo.app_context():
        order_id, _, _ = _order_with_payment_and_shipment()
        db.session.add(Payment(order_id=order_id, provider="stripe", amount_minor=1000, currency="CNY",
                               status="refund_maybe"))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Payment.id)).where(Payment.order_id == order_id)) == 1
