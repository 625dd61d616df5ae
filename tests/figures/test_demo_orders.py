"""The demo's orders: about 200 over the past 60 days in every state the shop knows, the ledger balancing,
and the shop's own use cases carrying any of them on from where the demo left it."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from shop.database import aware
from shop.extensions import db
from shop.models import Lot, Order, Shipment, StockMove, User
from shop.services import bonded_stock, demo_orders, fulfilment, ordering
from shop.services.demo import load_demo


def _orders(status: str) -> list[Order]:
    return list(db.session.scalars(sa.select(Order).where(Order.status == status,
                                                          Order.idempotency_key.like("demo-order-%"))
                                   .order_by(Order.id)))


def test_the_demo_has_about_200_orders_in_every_state_over_60_days(demo):
    with demo.app_context():
        by_status = dict(db.session.execute(sa.select(Order.status, sa.func.count()).group_by(Order.status)).all())
        placed = [aware(p) for p in db.session.scalars(sa.select(Order.placed_at))]
    assert 180 <= sum(by_status.values()) <= 210
    for status in ("pending_payment", "paid", "confirmed", "picking", "packed", "shipped", "delivered", "cancelled",
                   "refunded", "partially_refunded", "returned"):
        assert by_status.get(status, 0) >= 3, status
    now = dt.datetime.now(dt.UTC)
    assert min(placed) >= now - dt.timedelta(days=61) and max(placed) <= now
    assert len({p.date() for p in placed}) > 30  # spread over the days, not one burst


def test_the_ledger_balances_after_the_demo_orders(demo):
    with demo.app_context():
        sums = dict(((lot_id, (int(on_hand), int(reserved))) for lot_id, on_hand, reserved in db.session.execute(
            sa.select(StockMove.lot_id, sa.func.sum(StockMove.on_hand_delta), sa.func.sum(StockMove.reserved_delta))
            .group_by(StockMove.lot_id))))
        lots = {lot.id: (lot.on_hand, lot.reserved) for lot in db.session.scalars(sa.select(Lot))}
        assert sums == lots
        assert bonded_stock.reconciliation().balanced
        picked = db.session.scalar(sa.select(sa.func.count()).select_from(StockMove).where(StockMove.kind == "pick"))
        assert picked > 100
        # Every shipped parcel has a waybill; an order awaiting payment holds stock.
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Shipment).where(
            Shipment.status.in_(("packed", "shipped", "delivered")), Shipment.waybill.is_(None))) == 0


def test_the_shops_use_cases_carry_demo_orders_on(demo):
    with demo.app_context():
        staff = db.session.scalar(sa.select(User).where(User.role == "staff"))
        paid = _orders("paid")[0]
        departure_id = paid.shipments[0].departure_id
        wave = fulfilment.build_wave(departure_id, staff.id)
        fulfilment.confirm_picked(wave.wave_id, paid.number, staff.id)
        packed = fulfilment.pack(wave.wave_id, paid.number, staff.id)
        assert packed.order_status == "packed" and packed.waybill
        shipped = _orders("shipped")[0]
        assert ordering.record_delivery(shipped.number, staff) == "delivered"
        confirmed = _orders("confirmed")[0]
        ordering.cancel_order(confirmed.number, staff)
        assert db.session.scalar(sa.select(Order.status).where(Order.number == confirmed.number)) == "cancelled"
        assert bonded_stock.reconciliation().balanced


def test_loading_the_demo_again_adds_no_order(demo):
    with demo.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Order))
        assert load_demo()["orders"] == 0
        assert demo_orders.load_orders() == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == before


def test_demo_parcels_on_their_way_have_carrier_reports_and_refunds_and_returns_add_up(demo):
    from shop.models import Refund, ReturnRequest, Shipment, ShipmentEvent
    with demo.app_context():
        shipped = _orders("shipped")
        reported = db.session.scalar(sa.select(sa.func.count(sa.distinct(ShipmentEvent.shipment_id))).join(
            Shipment).join(Order).where(Order.status == "shipped"))
        assert reported >= len(shipped) // 2
        for order in _orders("delivered")[:10]:
            for shipment in order.shipments:
                assert "delivered" in [e.status for e in shipment.events]
        for order in _orders("refunded") + _orders("partially_refunded") + _orders("returned"):
            refunded = sum((r.amount_cny for r in db.session.scalars(
                sa.select(Refund).where(Refund.order_id == order.id, Refund.status == "succeeded"))), 0)
            assert 0 < refunded <= order.total_cny, order.number
        for request in db.session.scalars(sa.select(ReturnRequest)):
            assert request.status == "received" and request.customs_reference
            back = db.session.scalar(sa.select(sa.func.sum(StockMove.on_hand_delta)).where(
                StockMove.order_id == request.order_id, StockMove.kind == "return"))
            assert back == sum(line.quantity for line in request.lines)
