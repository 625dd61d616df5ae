"""Staff cancel an order before it leaves the zone: every unit goes back to the lot it came from through
the ledger, whether it was still reserved, already picked into a tote, or packed in a parcel."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from shop.extensions import db
from shop.models import Lot, Order, OutboxMessage, StockMove
from shop.services import fulfilment

ITEMS = [("LB-SOFT", [("LOT-LB-OLD", 2), ("LOT-LB-NEW", 1)]), ("TEA-BLACK", [("LOT-TEA-1", 3)])]
LOTS = ("LOT-LB-OLD", "LOT-LB-NEW", "LOT-TEA-1")


def lot_states() -> dict[str, tuple[int, int]]:
    return {lot.lot_number: (lot.on_hand, lot.reserved)
            for lot in db.session.scalars(sa.select(Lot).where(Lot.lot_number.in_(LOTS)))}


def assert_ledger_matches_every_lot():
    sums = {lot_id: (int(h), int(r)) for lot_id, h, r in db.session.execute(
        sa.select(StockMove.lot_id, sa.func.sum(StockMove.on_hand_delta), sa.func.sum(StockMove.reserved_delta))
        .group_by(StockMove.lot_id))}
    for lot in db.session.scalars(sa.select(Lot)):
        assert sums.get(lot.id, (0, 0)) == (lot.on_hand, lot.reserved), lot.lot_number


@pytest.mark.parametrize("stage", ["reserved", "picked", "packed"])
def test_cancelling_puts_every_unit_back_into_its_own_lot(app, desk, world, stage):
    with app.app_context():
        before = lot_states()
        number = world.order(items=ITEMS, payment_method="cod", status="confirmed")
        if stage != "reserved":
            wave = fulfilment.build_wave(world.departures["KHG-MOW-TRUCK"], world.users["staff"]).wave_id
            fulfilment.confirm_picked(wave, number, world.users["staff"])
            if stage == "packed":
                fulfilment.pack(wave, number, world.users["staff"])
            taken = lot_states()
            assert taken["LOT-TEA-1"][0] == before["LOT-TEA-1"][0] - 3  # the picked units left the shelf
            expected = "packed" if stage == "packed" else "picking"
            assert db.session.scalar(sa.select(Order.status).where(Order.number == number)) == expected
    html = desk.post_and_follow(f"/admin/orders/{number}/cancel")
    assert 'id="order-status" data-status="cancelled"' in html
    with app.app_context():
        assert lot_states() == before
        assert_ledger_matches_every_lot()
        moves = db.session.execute(sa.select(StockMove.kind, StockMove.on_hand_delta, StockMove.reserved_delta)
                                   .join(Order, StockMove.order_id == Order.id).where(Order.number == number)
                                   .where(StockMove.kind == "release")).all()
        if stage == "reserved":
            assert sorted(moves) == sorted([("release", 0, -2), ("release", 0, -1), ("release", 0, -3)])
        else:
            assert sorted(moves) == sorted([("release", 2, 0), ("release", 1, 0), ("release", 3, 0)])
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))
                                 .where(OutboxMessage.template == "order_cancelled")) == 1
    if stage != "reserved":
        assert "picked stock back on the shelf" in html or "Stock released" in html


def test_a_cancelled_picked_order_cannot_be_cancelled_twice_and_the_stock_comes_back_once(app, desk, world):
    with app.app_context():
        before = lot_states()
        number = world.order(items=ITEMS, payment_method="cod", status="confirmed")
        wave = fulfilment.build_wave(world.departures["KHG-MOW-TRUCK"], world.users["staff"]).wave_id
        fulfilment.confirm_picked(wave, number, world.users["staff"])
    desk.post(f"/admin/orders/{number}/cancel")
    again = desk.post_and_follow(f"/admin/orders/{number}/cancel")
    assert "cannot be cancelled now" in again
    with app.app_context():
        assert lot_states() == before
        assert_ledger_matches_every_lot()
