"""Confirming a pick writes the stock ledger (on hand and reserved drop together); packing gives each
parcel a unique, check-digited waybill number and moves the order to packed."""
import re

import pytest
import sqlalchemy as sa

from shop.domain.picking import is_valid_waybill
from shop.extensions import db
from shop.models import AuditLog, Lot, Order, Shipment, StockMove
from shop.services import fulfilment


def flashes(html: str) -> list[str]:
    return re.findall(r'class="flash[^"]*">([^<]*)<', html)


def lot_state(lot_number: str) -> tuple[int, int]:
    lot = db.session.scalar(sa.select(Lot).where(Lot.lot_number == lot_number))
    return lot.on_hand, lot.reserved


def assert_ledger_matches_every_lot():
    sums = dict((lot_id, (int(on_hand), int(reserved))) for lot_id, on_hand, reserved in db.session.execute(
        sa.select(StockMove.lot_id, sa.func.sum(StockMove.on_hand_delta), sa.func.sum(StockMove.reserved_delta))
        .group_by(StockMove.lot_id)))
    for lot in db.session.scalars(sa.select(Lot)):
        assert sums[lot.id] == (lot.on_hand, lot.reserved), lot.lot_number


@pytest.fixture
def wave(app, world):
    """A built wave on the Moscow truck with one order taking from two lots of the same product."""
    with app.app_context():
        number = world.order(items=[("LB-SOFT", [("LOT-LB-OLD", 2), ("LOT-LB-NEW", 1)]),
                                    ("TEA-BLACK", [("LOT-TEA-1", 3)])])
        wave_id = fulfilment.build_wave(world.departures["KHG-MOW-TRUCK"], world.users["staff"]).wave_id
    return wave_id, number


def test_confirming_a_pick_takes_stock_off_hand_and_out_of_the_reservation(app, desk, wave):
    wave_id, number = wave
    with app.app_context():
        before = {lot: lot_state(lot) for lot in ("LOT-LB-OLD", "LOT-LB-NEW", "LOT-TEA-1")}
    page = desk.post_and_follow(f"/fulfilment/waves/{wave_id}/orders/{number}/picked")
    assert f"Order {number} picked: its stock has left the shelves." in flashes(page)
    with app.app_context():
        taken = {"LOT-LB-OLD": 2, "LOT-LB-NEW": 1, "LOT-TEA-1": 3}
        for lot, quantity in taken.items():
            on_hand, reserved = before[lot]
            assert lot_state(lot) == (on_hand - quantity, reserved - quantity)
        moves = db.session.execute(sa.select(StockMove.kind, StockMove.on_hand_delta, StockMove.reserved_delta)
                                   .where(StockMove.kind == "pick").order_by(StockMove.id)).all()
        assert sorted(moves) == sorted([("pick", -2, -2), ("pick", -1, -1), ("pick", -3, -3)])
        assert_ledger_matches_every_lot()
        assert db.session.scalar(sa.select(Order.status).where(Order.number == number)) == "picking"
        assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(AuditLog.action == "order.pick")) == 1


def test_confirming_a_pick_twice_writes_the_ledger_once(app, desk, wave):
    wave_id, number = wave
    desk.post(f"/fulfilment/waves/{wave_id}/orders/{number}/picked")
    page = desk.post_and_follow(f"/fulfilment/waves/{wave_id}/orders/{number}/picked")
    assert f"Order {number} was already picked: nothing changed." in flashes(page)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(StockMove.id)).where(StockMove.kind == "pick")) == 3
        assert_ledger_matches_every_lot()


def test_packing_before_picking_is_refused_and_changes_nothing(app, desk, wave):
    wave_id, number = wave
    page = desk.post_and_follow(f"/fulfilment/waves/{wave_id}/orders/{number}/packed")
    assert f"Confirm the picking of order {number} before packing it." in flashes(page)
    with app.app_context():
        assert db.session.scalar(sa.select(Order.status).where(Order.number == number)) == "picking"
        assert db.session.scalar(sa.select(Shipment.waybill)) is None


def test_packing_assigns_a_valid_waybill_and_packs_the_order(app, desk, wave):
    wave_id, number = wave
    desk.post(f"/fulfilment/waves/{wave_id}/orders/{number}/picked")
    page = desk.post_and_follow(f"/fulfilment/waves/{wave_id}/orders/{number}/packed")
    with app.app_context():
        waybill = db.session.scalar(sa.select(Shipment.waybill))
        assert db.session.scalar(sa.select(Order.status).where(Order.number == number)) == "packed"
    assert is_valid_waybill(waybill) and waybill.startswith("KHG")
    assert f"Order {number} packed, waybill {waybill}." in flashes(page)
    again = desk.post_and_follow(f"/fulfilment/waves/{wave_id}/orders/{number}/packed")
    assert f"Order {number} was already packed: nothing changed." in flashes(again)
    with app.app_context():
        assert db.session.scalar(sa.select(Shipment.waybill)) == waybill


def test_waybills_are_unique_across_lines_and_orders(app, world):
    with app.app_context():
        numbers = [world.order(items=[("TEA-BLACK", [("LOT-TEA-1", 1)])], line=line,
                               country={"KHG-MOW-TRUCK": "RU", "CN-BONDED": "CN", "KHG-PK-TRUCK": "PK"}[line])
                   for line in ("KHG-MOW-TRUCK", "KHG-MOW-TRUCK", "CN-BONDED", "KHG-PK-TRUCK", "KHG-PK-TRUCK")]
        staff = world.users["staff"]
        waves = {line: fulfilment.build_wave(world.departures[line], staff).wave_id
                 for line in ("KHG-MOW-TRUCK", "CN-BONDED", "KHG-PK-TRUCK")}
        line_of = dict(db.session.execute(sa.select(Order.number, Shipment.line_id)
                                          .join(Shipment, Shipment.order_id == Order.id)).all())
        code_of = {v: k for k, v in world.lines.items()}
        waybills = []
        for number in numbers:
            wave_id = waves[code_of[line_of[number]]]
            fulfilment.confirm_picked(wave_id, number, staff)
            waybills.append(fulfilment.pack(wave_id, number, staff).waybill)
    assert len(set(waybills)) == len(waybills)
    assert all(is_valid_waybill(w) for w in waybills)
    assert [w[:3] for w in waybills] == ["KHG", "KHG", "CN0", "KHG", "KHG"]


def test_a_cancelled_order_cannot_be_picked(app, desk, wave):
    wave_id, number = wave
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.number == number))
        order.status = "refunded"
        db.session.commit()
    page = desk.post_and_follow(f"/fulfilment/waves/{wave_id}/orders/{number}/picked")
    assert f"Order {number} cannot be picked (status: Refunded)." in flashes(page)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(StockMove.id)).where(StockMove.kind == "pick")) == 0


def test_an_order_outside_the_wave_is_refused(app, desk, wave, world):
    wave_id, _ = wave
    with app.app_context():
        other = world.order(items=[("TEA-BLACK", [("LOT-TEA-1", 1)])], line="KHG-PK-TRUCK", country="PK")
    page = desk.post_and_follow(f"/fulfilment/waves/{wave_id}/orders/{other}/picked")
    assert f"Order {other} is not in this wave." in flashes(page)
    assert desk.post(f"/fulfilment/waves/{wave_id}/orders/NO-SUCH-ORDER/picked").status_code == 404


def test_a_lot_quarantined_after_allocation_cannot_be_picked(app, desk, wave):
    wave_id, number = wave
    with app.app_context():
        lot = db.session.scalar(sa.select(Lot).where(Lot.lot_number == "LOT-TEA-1"))
        lot.customs_status = "quarantined"
        db.session.commit()
    page = desk.post_and_follow(f"/fulfilment/waves/{wave_id}/orders/{number}/picked")
    assert f"Lot LOT-TEA-1 is in customs quarantine: order {number} cannot be picked from it." in flashes(page)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(StockMove.id)).where(StockMove.kind == "pick")) == 0
        assert_ledger_matches_every_lot()
