"""Shipping a departure ships its packed parcels (and their orders once all their parcels left); recording
delivery finishes the order, and for cash on delivery records the cash payment. Illegal steps are refused
with a message and change nothing."""
import re

import pytest
import sqlalchemy as sa

from shop.extensions import db
from shop.models import AuditLog, Departure, Order, Payment, Shipment, Wave
from shop.services import fulfilment


def flashes(html: str) -> list[str]:
    return re.findall(r'class="flash[^"]*">([^<]*)<', html)


def order_state(number: str) -> tuple[str, list[str]]:
    order = db.session.scalar(sa.select(Order).where(Order.number == number))
    return order.status, [s.status for s in order.shipments]


@pytest.fixture
def packed(app, world):
    """Two packed orders on the Moscow truck (one prepaid, one cash on delivery) and one still picking."""
    staff = world.users["staff"]
    with app.app_context():
        prepaid = world.order(items=[("TEA-BLACK", [("LOT-TEA-1", 1)])])
        cod = world.order(items=[("CR-ROSE", [("LOT-CR-1", 2)])], payment_method="cod", status="confirmed")
        slow = world.order(items=[("HN-MOUNTAIN", [("LOT-HN-1", 1)])])
        wave = fulfilment.build_wave(world.departures["KHG-MOW-TRUCK"], staff).wave_id
        for number in (prepaid, cod):
            fulfilment.confirm_picked(wave, number, staff)
            fulfilment.pack(wave, number, staff)
    return {"prepaid": prepaid, "cod": cod, "slow": slow, "wave": wave}


def test_shipping_a_departure_ships_its_packed_parcels_once(app, desk, world, packed):
    path = f"/fulfilment/departures/{world.departures['KHG-MOW-TRUCK']}/ship"
    page = desk.post_and_follow(path)
    assert "2 parcels shipped." in flashes(page)
    assert "1 parcel was not packed and missed this departure." in flashes(page)
    with app.app_context():
        assert order_state(packed["prepaid"]) == ("shipped", ["shipped"])
        assert order_state(packed["cod"]) == ("shipped", ["shipped"])
        assert order_state(packed["slow"]) == ("picking", ["picking"])
        assert db.session.get(Departure, world.departures["KHG-MOW-TRUCK"]).status == "departed"
        assert db.session.scalar(sa.select(Wave.status)) == "open"  # the slow parcel still needs handling
    again = desk.post_and_follow(path)
    assert "No packed parcel is waiting for this departure: nothing changed." in flashes(again)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
            AuditLog.action == "departure.ship")) == 1


def test_an_order_ships_only_when_all_its_parcels_have_left(app, world):
    staff = world.users["staff"]
    with app.app_context():
        number = world.order(items=[("TEA-BLACK", [("LOT-TEA-1", 1)])])
        order = db.session.scalar(sa.select(Order).where(Order.number == number))
        # A second parcel of the same order on the Pakistan truck (a split order).
        second = Shipment(line_id=world.lines["KHG-PK-TRUCK"], departure_id=world.departures["KHG-PK-TRUCK"],
                          chargeable_weight_g=1000, cost_cny=order.shipping_cny,
                          delivery_earliest=order.shipments[0].delivery_earliest,
                          delivery_latest=order.shipments[0].delivery_latest)
        order.shipments.append(second)
        db.session.commit()
        truck = fulfilment.build_wave(world.departures["KHG-MOW-TRUCK"], staff).wave_id
        fulfilment.confirm_picked(truck, number, staff)
        pk_truck = fulfilment.build_wave(world.departures["KHG-PK-TRUCK"], staff).wave_id
        with pytest.raises(fulfilment.NotPicked):
            fulfilment.pack(pk_truck, number, staff)
        with pytest.raises(fulfilment.NothingAllocated):  # checkout left that parcel without stock
            fulfilment.confirm_picked(pk_truck, number, staff)
        fulfilment.pack(truck, number, staff)
        status, shipments = order_state(number)
        assert (status, sorted(shipments)) == ("picking", ["packed", "picking"])


def test_recording_delivery_of_a_cash_on_delivery_order_marks_it_paid(app, desk, world, packed):
    desk.post(f"/fulfilment/departures/{world.departures['KHG-MOW-TRUCK']}/ship")
    page = desk.post_and_follow(f"/fulfilment/orders/{packed['cod']}/delivered")
    assert f"Delivery of order {packed['cod']} recorded, and its cash payment with it." in flashes(page)
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.number == packed["cod"]))
        assert order.status == "delivered" and order.paid_at is not None
        assert [(p.provider, p.status) for p in db.session.scalars(
            sa.select(Payment).where(Payment.order_id == order.id))] == [("cod", "succeeded")]
    again = desk.post_and_follow(f"/fulfilment/orders/{packed['cod']}/delivered")
    assert f"The delivery of order {packed['cod']} was already recorded: nothing changed." in flashes(again)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Payment.id))) == 1


def test_recording_delivery_of_a_prepaid_order(app, desk, world, packed):
    desk.post(f"/fulfilment/departures/{world.departures['KHG-MOW-TRUCK']}/ship")
    page = desk.post_and_follow(f"/fulfilment/orders/{packed['prepaid']}/delivered")
    assert f"Delivery of order {packed['prepaid']} recorded." in flashes(page)
    with app.app_context():
        assert order_state(packed["prepaid"]) == ("delivered", ["delivered"])
        assert db.session.scalar(sa.select(sa.func.count(Payment.id))) == 0


def test_delivering_an_order_that_has_not_shipped_is_refused(app, desk, packed):
    response = desk.post(f"/fulfilment/orders/{packed['slow']}/delivered")
    assert response.status_code == 303
    page = desk.client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"The delivery of order {packed['slow']} cannot be recorded (status: Being picked)." in flashes(page)
    with app.app_context():
        assert order_state(packed["slow"]) == ("picking", ["picking"])


def test_delivery_in_another_language_is_worded_in_it(app, desk, packed):
    desk.client.set_cookie("office_lang", "ru")
    page = desk.post_and_follow(f"/fulfilment/orders/{packed['slow']}/delivered")
    assert not any("cannot be recorded" in message for message in flashes(page))
    assert flashes(page) and all(re.search("[А-Яа-я]", message) for message in flashes(page))


def test_the_desk_shows_waves_and_departures_without_errors(app, desk, world, packed):
    for path in ("/fulfilment/", f"/fulfilment/waves/{packed['wave']}",
                 f"/fulfilment/departures/{world.departures['KHG-MOW-TRUCK']}",
                 f"/fulfilment/orders/{packed['cod']}", f"/fulfilment/find?q={packed['cod'].lower()}"):
        response = desk.client.get(path, follow_redirects=True)
        assert response.status_code == 200, path
