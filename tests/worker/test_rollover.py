"""A shipment still unpicked when its departure leaves goes on the next one, and the buyer hears."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from shop.extensions import db
from tests.checkout.conftest import make_buyer, seed_world

NOW = dt.datetime(2026, 12, 3, 4, 0, tzinfo=dt.UTC)  # 12:00 in Kashgar business time


def _place(world, *, country, city, line, now, email="late@example.com"):
    from shop.services import ordering
    buyer = make_buyer(email, lang="ru")
    return ordering.place_order(
        user_id=buyer, email=email, lang="ru", items=[(world["CR-ROSE"], 2)],
        address=ordering.ShippingAddress("Анна", "+923001234567" if country == "PK" else "+79123456789",
                                         country, city, "Street 7", "44000" if country == "PK" else "125009"),
        line=line, payment_method="cod", currency="CNY", idempotency_key=f"k-{email}", now=now).number


def _shipment(number):
    from shop.models import Order, Shipment
    return db.session.scalar(sa.select(Shipment).join(Order).where(Order.number == number))


def test_a_missed_departure_moves_to_the_next_one_of_its_line(app):
    from shop.models import AuditLog, Departure, OutboxMessage
    from shop.services import rollover
    with app.app_context():
        world = seed_world(NOW.date() - dt.timedelta(days=3))
        number = _place(world, country="RU", city="Moscow", line="KHG-MOW-TRUCK", now=NOW - dt.timedelta(days=2))
        before = _shipment(number)
        old_departure, old_latest = before.departure_id, before.delivery_latest
        old_booked = db.session.get(Departure, old_departure).booked_kg
        assert old_booked > 0

        moved = rollover.roll_over_missed_departures(NOW)
        assert [m.order for m in moved] == [number] and moved[0].to_line == "KHG-MOW-TRUCK"
        db.session.expire_all()
        after = _shipment(number)
        departure = db.session.get(Departure, after.departure_id)
        assert departure.id != old_departure and departure.departs_at.replace(tzinfo=dt.UTC) > NOW
        assert after.delivery_latest > old_latest
        assert db.session.get(Departure, old_departure).booked_kg == 0
        assert departure.booked_kg == old_booked
        from shop.services import outbox
        outbox.deliver_pending()
        db.session.expire_all()
        mail = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
        assert mail.subject == f"Новые сроки доставки заказа {number}"
        assert "уйдёт следующим" in mail.body and "Грузовик до Москвы" in mail.body
        assert db.session.scalar(sa.select(AuditLog.action).where(AuditLog.entity_id == number,
                                                                   AuditLog.action == "order.rollover"))

        assert rollover.roll_over_missed_departures(NOW) == []  # a second run moves nothing


def test_a_shipment_whose_line_closed_goes_by_another_line_that_can_carry_it(app):
    from shop.models import ExpressLine
    from shop.services import rollover
    with app.app_context():
        world = seed_world(NOW.date() - dt.timedelta(days=3))
        number = _place(world, country="PK", city="Islamabad", line="KHG-PK-TRUCK", now=NOW - dt.timedelta(days=2))
        db.session.execute(sa.update(ExpressLine).where(ExpressLine.code == "KHG-PK-TRUCK").values(active=False))
        db.session.commit()
    with app.app_context():  # the worker's next run: a context of its own
        moved = rollover.roll_over_missed_departures(NOW)
        assert [(m.order, m.from_line, m.to_line) for m in moved] == [(number, "KHG-PK-TRUCK", "KHG-AIR")]
        db.session.expire_all()
        assert _shipment(number).line.code == "KHG-AIR"


def test_picked_and_future_shipments_stay_where_they_are(app):
    from shop.models import Shipment
    from shop.services import rollover
    with app.app_context():
        world = seed_world(NOW.date() - dt.timedelta(days=3))
        picked = _place(world, country="RU", city="Moscow", line="KHG-MOW-TRUCK", now=NOW - dt.timedelta(days=2))
        _place(world, country="RU", city="Moscow", line="KHG-MOW-TRUCK", now=NOW, email="soon@example.com")
        db.session.execute(sa.update(Shipment).where(Shipment.id == _shipment(picked).id).values(status="picking"))
        db.session.commit()
        assert rollover.roll_over_missed_departures(NOW) == []
