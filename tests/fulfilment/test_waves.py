"""A wave per departure: building it takes the paid and COD-confirmed orders on that departure into picking,
once; the pick list walks the bins in order and names lot and expiry."""
import re

import sqlalchemy as sa

from shop.extensions import db
from shop.models import AuditLog, Lot, Order, Shipment, Wave
from shop.services import fulfilment


def statuses(app, *numbers):
    with app.app_context():
        rows = dict(db.session.execute(sa.select(Order.number, Order.status).where(Order.number.in_(numbers))).all())
    return [rows[n] for n in numbers]


def flashes(html: str) -> list[str]:
    return re.findall(r'class="flash[^"]*">([^<]*)<', html)


def test_building_a_wave_moves_paid_and_confirmed_orders_to_picking(app, desk, world):
    with app.app_context():
        paid = world.order(items=[("TEA-BLACK", [("LOT-TEA-1", 2)])])
        cod = world.order(items=[("CR-ROSE", [("LOT-CR-1", 1)])], payment_method="cod", status="confirmed")
        unpaid = world.order(items=[("TEA-BLACK", [("LOT-TEA-1", 1)])], status="pending_payment")
        elsewhere = world.order(items=[("TEA-BLACK", [("LOT-TEA-1", 1)])], line="KHG-PK-TRUCK", country="PK")
    page = desk.post_and_follow(f"/fulfilment/departures/{world.departures['KHG-MOW-TRUCK']}/wave")
    assert "Wave built: 2 orders to pick." in flashes(page)
    assert statuses(app, paid, cod, unpaid, elsewhere) == ["picking", "picking", "pending_payment", "paid"]
    with app.app_context():
        shipment_status = dict(db.session.execute(
            sa.select(Order.number, Shipment.status).join(Shipment, Shipment.order_id == Order.id)).all())
        assert shipment_status[paid] == shipment_status[cod] == "picking"
        assert shipment_status[unpaid] == "pending"
        assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(AuditLog.action == "wave.build")) == 1


def test_building_the_wave_again_does_nothing(app, desk, world):
    with app.app_context():
        number = world.order(items=[("TEA-BLACK", [("LOT-TEA-1", 2)])])
    path = f"/fulfilment/departures/{world.departures['KHG-MOW-TRUCK']}/wave"
    desk.post(path)
    page = desk.post_and_follow(path)
    assert any("nothing changed" in message for message in flashes(page))
    assert statuses(app, number) == ["picking"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Wave.id))) == 1
        assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(AuditLog.action == "wave.build")) == 1


def test_an_order_paid_after_the_wave_joins_it_on_the_next_build(app, world):
    with app.app_context():
        world.order(items=[("TEA-BLACK", [("LOT-TEA-1", 1)])])
        first = fulfilment.build_wave(world.departures["KHG-MOW-TRUCK"], world.users["staff"])
        late = world.order(items=[("CR-ROSE", [("LOT-CR-1", 1)])])
        again = fulfilment.build_wave(world.departures["KHG-MOW-TRUCK"], world.users["staff"])
    assert (first.created, first.added) == (True, 1)
    assert (again.wave_id, again.created, again.added) == (first.wave_id, False, 1)
    assert statuses(app, late) == ["picking"]


def test_a_departure_without_paid_orders_gets_no_wave(app, desk, world):
    with app.app_context():
        world.order(items=[("TEA-BLACK", [("LOT-TEA-1", 1)])], status="pending_payment")
    page = desk.post_and_follow(f"/fulfilment/departures/{world.departures['KHG-MOW-TRUCK']}/wave")
    assert "No paid or confirmed order leaves on this departure yet: there is nothing to pick." in flashes(page)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Wave.id))) == 0


def test_the_desk_counts_orders_parcels_and_weight_per_departure(app, desk, world):
    with app.app_context():
        world.order(items=[("TEA-BLACK", [("LOT-TEA-1", 2)])])  # 2 x 250 g
        world.order(items=[("HN-MOUNTAIN", [("LOT-HN-1", 1)])], payment_method="cod", status="confirmed")  # 600 g
        world.order(items=[("HN-MOUNTAIN", [("LOT-HN-1", 3)])], status="pending_payment")  # not counted
    page = desk.client.get("/fulfilment/").get_data(as_text=True)
    row = page[page.index(f'id="departure-{world.departures["KHG-MOW-TRUCK"]}"'):]
    row = row[:row.index("</tr>")]
    assert re.search(r'class="orders">2<', row)
    assert re.search(r'class="parcels">2<', row)
    assert re.search(r'class="weight">1\.1<', row)
    assert "Build the wave" in row


def test_the_pick_list_walks_the_bins_in_order_and_names_lot_and_expiry(app, world):
    with app.app_context():
        first = world.order(items=[("LB-SOFT", [("LOT-LB-OLD", 2), ("LOT-LB-NEW", 1)]),
                                   ("CR-ROSE", [("LOT-CR-1", 1)])])
        second = world.order(items=[("HN-MOUNTAIN", [("LOT-HN-1", 1)]), ("TEA-BLACK", [("LOT-TEA-1", 4)])])
        wave = fulfilment.build_wave(world.departures["KHG-MOW-TRUCK"], world.users["staff"]).wave_id
        pick_list = fulfilment.pick_list(wave, "ru")
        expiry = {lot.lot_number: lot.expiry for lot in db.session.scalars(sa.select(Lot))}
    walk = [(line.bin, line.lot_number, line.quantity, line.order_number) for line, _ in pick_list.walk]
    # Zone A before B; aisle 1 walked up (shelf 2 then 7), aisle 2 walked back down (9 then 2).
    assert walk == [("A-01-02", "LOT-LB-NEW", 1, first), ("A-01-07", "LOT-LB-OLD", 2, first),
                    ("A-02-09", "LOT-HN-1", 1, second), ("A-02-02", "LOT-TEA-1", 4, second),
                    ("B-02-03", "LOT-CR-1", 1, first)]
    assert [line.expiry for line, _ in pick_list.walk][:2] == [expiry["LOT-LB-NEW"], expiry["LOT-LB-OLD"]]
    assert pick_list.walk[0][0].name == "Хлеб «Лиеба», мягкая упаковка"
    assert [(t.number, t.order_number) for t in pick_list.totes] == [(1, first), (2, second)]


def test_the_wave_page_shows_the_walk_with_lots(app, desk, world):
    with app.app_context():
        number = world.order(items=[("LB-SOFT", [("LOT-LB-OLD", 2)])])
    desk.post(f"/fulfilment/departures/{world.departures['KHG-MOW-TRUCK']}/wave")
    with app.app_context():
        wave = db.session.scalar(sa.select(Wave.id))
    page = desk.client.get(f"/fulfilment/waves/{wave}").get_data(as_text=True)
    assert "LOT-LB-OLD" in page and "A-01-07" in page and number in page
    printable = desk.client.get(f"/fulfilment/waves/{wave}/pick-list").get_data(as_text=True)
    assert "<svg" in printable and 'aria-label="A-01-07"' in printable and f'aria-label="{number}"' in printable
    assert "@media print" in printable


def test_tote_numbers_survive_a_reprint_halfway_through_the_wave(app, world):
    staff = world.users["staff"]
    with app.app_context():
        first = world.order(items=[("LB-SOFT", [("LOT-LB-NEW", 1)])])  # A-01-02: met first on the walk
        second = world.order(items=[("CR-ROSE", [("LOT-CR-1", 1)])])  # B-02-03
        wave = fulfilment.build_wave(world.departures["KHG-MOW-TRUCK"], staff).wave_id
        before = [(t.number, t.order_number) for t in fulfilment.pick_list(wave, "en").totes]
        fulfilment.confirm_picked(wave, first, staff)
        after = fulfilment.pick_list(wave, "en")
    assert before == [(1, first), (2, second)]
    assert [(t.number, t.order_number) for t in after.totes] == before
    assert [(line.order_number, tote) for line, tote in after.walk] == [(second, 2)]
