"""Placing orders and their life: FEFO reservations in the ledger, departures booked, prices
frozen, reservations that lapse, cancellation, cash on delivery, who may see an order, and the
last units never sold twice."""
import datetime as dt
import threading
from decimal import Decimal

import pytest
import sqlalchemy as sa

from shop.extensions import db
from shop.models import (
    Allocation,
    CartItem,
    Departure,
    ExpressLine,
    Lot,
    Order,
    OutboxMessage,
    Product,
    Shipment,
    StockMove,
    User,
)
from shop.services import ordering

from .conftest import new_buyer


def _order(app, number=None) -> Order:
    with app.app_context():
        stmt = sa.select(Order) if number is None else sa.select(Order).where(Order.number == number)
        return db.session.scalar(stmt.order_by(Order.id.desc()))


def _place(buyer, **fields) -> str:
    response, _ = buyer.checkout(**fields)
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    return response.headers["Location"].split("/orders/")[1].split("/")[0]


def _ledger_matches_lots(app) -> None:
    """On hand and reserved rebuild from the ledger, and stock never goes below zero."""
    with app.app_context():
        sums = dict((lot_id, (int(on_hand), int(reserved))) for lot_id, on_hand, reserved in db.session.execute(
            sa.select(StockMove.lot_id, sa.func.sum(StockMove.on_hand_delta), sa.func.sum(StockMove.reserved_delta))
            .group_by(StockMove.lot_id)))
        for lot in db.session.scalars(sa.select(Lot)):
            assert sums[lot.id] == (lot.on_hand, lot.reserved), lot.lot_number
            assert 0 <= lot.reserved <= lot.on_hand


def test_placing_reserves_fefo_skips_lots_expiring_in_transit_and_writes_the_ledger(app, buyer, world):
    buyer.fill_cart({world["LB-SOFT"]: 3})
    number = _place(buyer)  # Moscow: 14-16 days by truck, plus the margin
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.number == number))
        (allocation,) = db.session.scalars(sa.select(Allocation)).all()
        assert allocation.lot.lot_number == "LOT-LB-2"  # LOT-LB-1 expires in 25 days: too soon for Moscow
        moves = db.session.scalars(sa.select(StockMove).where(StockMove.order_id == order.id)).all()
        assert [(m.kind, m.reserved_delta, m.on_hand_delta) for m in moves] == [("reserve", 3, 0)]
        assert order.status == "confirmed" and order.payment_deadline is None
    _ledger_matches_lots(app)


def test_the_first_lot_to_expire_goes_first_when_it_arrives_in_time(app, buyer, world):
    buyer.fill_cart({world["LB-SOFT"]: 8})
    _place(buyer, name="Aibek", phone="+996 555 123 456", country="KG", city="Bishkek", address="Chui 12",
           postcode="720001")  # air: 2-4 days, so the 25-day lot is still good
    with app.app_context():
        taken = {a.lot.lot_number: a.quantity for a in db.session.scalars(sa.select(Allocation))}
    assert taken == {"LOT-LB-1": 6, "LOT-LB-2": 2}


def test_an_order_freezes_prices_rate_and_shipping_and_books_its_departure(app, buyer, world):
    buyer.fill_cart({world["CR-ROSE"]: 2})
    number = _place(buyer)
    with app.app_context():
        product = db.session.get(Product, world["CR-ROSE"])
        product.price_cny = Decimal("999.00")
        db.session.commit()
        order = db.session.scalar(sa.select(Order).where(Order.number == number))
        assert order.lines[0].unit_price_cny == Decimal("128.00") and order.goods_cny == Decimal("256.00")
        (shipment,) = order.shipments
        departure = shipment.departure
        assert departure.line.code == "KHG-MOW-TRUCK"
        assert departure.booked_kg == Decimal("0.300") and departure.booked_m3 == Decimal("0.0011")
        assert shipment.delivery_latest - shipment.delivery_earliest == dt.timedelta(days=2)
        # A second order on the same departure books the same row.
    buyer.fill_cart({world["CR-ROSE"]: 1})
    _place(buyer)
    with app.app_context():
        (departure,) = db.session.scalars(sa.select(Departure)).all()
        assert departure.booked_kg == Decimal("0.450")


def test_a_full_departure_is_refused_with_a_message(app, buyer, world):
    with app.app_context():
        db.session.execute(sa.update(ExpressLine).values(capacity_kg=Decimal("0.2")))
        db.session.commit()
    buyer.fill_cart({world["CR-ROSE"]: 2})  # 0.3 kg
    response, _ = buyer.checkout("en")
    assert response.status_code == 409
    assert "cannot carry your order" in response.get_data(as_text=True)


def test_a_confirmation_email_goes_out_in_the_buyers_language(app, buyer, world):
    buyer.fill_cart({world["CR-ROSE"]: 1})
    number = _place(buyer, lang="ru")
    with app.app_context():
        mail = db.session.scalar(sa.select(OutboxMessage))
        assert mail.lang == "ru" and mail.subject == f"Ваш заказ {number}"
        assert "Спасибо за заказ. Он подтверждён: вы оплатите его наличными при получении." in mail.body
        assert "1 × Крем для лица с розой" in mail.body
        assert f"/ru/orders/{number}" in mail.body


def test_unpaid_orders_past_their_deadline_give_their_stock_back(app, world, runner):
    from .conftest import stripe_config
    app.config.update(stripe_config("http://127.0.0.1:9"))  # card chosen; nobody pays
    buyer = new_buyer(app, "late@example.com").sign_in()
    buyer.fill_cart({world["CR-ROSE"]: 4})
    number = _place(buyer, payment_method="stripe")
    with app.app_context():
        assert db.session.scalar(sa.select(Lot).where(Lot.lot_number == "LOT-CR-1")).reserved == 4
    result = runner.invoke(args=["shop", "expire-reservations"])
    assert "No unpaid order is past its deadline." in result.output
    with app.app_context():
        db.session.execute(sa.update(Order).values(
            payment_deadline=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)))
        db.session.commit()
    result = runner.invoke(args=["shop", "expire-reservations"])
    assert result.exit_code == 0 and number in result.output
    order = _order(app, number)
    assert order.status == "cancelled" and order.cancelled_at is not None
    with app.app_context():
        lot = db.session.scalar(sa.select(Lot).where(Lot.lot_number == "LOT-CR-1"))
        assert lot.reserved == 0
        assert [m.kind for m in db.session.scalars(sa.select(StockMove).where(StockMove.order_id == order.id)
                                                   .order_by(StockMove.id))] == ["reserve", "release"]
        assert db.session.scalar(sa.select(Departure)).booked_kg == 0
    _ledger_matches_lots(app)


def test_looking_at_an_overdue_order_expires_it(app, world):
    buyer = new_buyer(app, "late@example.com").sign_in()
    buyer.fill_cart({world["CR-ROSE"]: 1})
    with app.app_context():
        placed = ordering.place_order(
            user_id=buyer.user_id, email=buyer.email, lang="en", items=[(world["CR-ROSE"], 1)],
            address=ordering.ShippingAddress("A", "+79123456789", "RU", "Moscow", "Tverskaya 7", "125009"),
            line="auto", payment_method="stripe", currency="USD", idempotency_key="k-overdue",
            now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    page = buyer.client.get(f"/en/orders/{placed.number}").get_data(as_text=True)
    assert "Cancelled" in page
    assert _order(app, placed.number).status == "cancelled"


def test_the_buyer_cancels_before_picking_and_the_stock_returns(app, buyer, world):
    buyer.fill_cart({world["CR-ROSE"]: 2})
    number = _place(buyer)
    page = buyer.client.get(f"/en/orders/{number}").get_data(as_text=True)
    from .conftest import csrf_from
    response = buyer.client.post(f"/en/orders/{number}/cancel", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303
    assert _order(app, number).status == "cancelled"
    assert "Your order is cancelled." in buyer.client.get(f"/en/orders/{number}").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Lot).where(Lot.lot_number == "LOT-CR-1")).reserved == 0
    _ledger_matches_lots(app)


def test_the_buyer_cannot_cancel_once_picking_started(app, buyer, world):
    buyer.fill_cart({world["CR-ROSE"]: 1})
    number = _place(buyer)
    page = buyer.client.get(f"/en/orders/{number}").get_data(as_text=True)
    with app.app_context():
        db.session.execute(sa.update(Order).values(status="picking"))
        db.session.commit()
    from .conftest import csrf_from
    buyer.client.post(f"/en/orders/{number}/cancel", data={"csrf_token": csrf_from(page)})
    assert "This order can no longer be cancelled" in buyer.client.get(f"/en/orders/{number}").get_data(as_text=True)
    assert _order(app, number).status == "picking"


def test_cash_on_delivery_is_paid_when_staff_record_the_delivery(app, buyer, world):
    buyer.fill_cart({world["CR-ROSE"]: 1})
    number = _place(buyer, lang="ru")
    assert _order(app, number).paid_at is None
    staff = new_buyer(app, "staff@example.com", role="staff").sign_in()
    with app.app_context():
        db.session.execute(sa.update(Order).values(status="shipped"))
        db.session.commit()
    page = staff.client.get(f"/en/orders/{number}").get_data(as_text=True)
    assert 'id="record-delivery"' in page
    own = buyer.client.get(f"/en/orders/{number}").get_data(as_text=True)
    assert 'id="record-delivery"' not in own
    from .conftest import csrf_from
    assert buyer.client.post(f"/en/orders/{number}/deliver", data={"csrf_token": csrf_from(own)}).status_code == 403
    staff.client.post(f"/en/orders/{number}/deliver", data={"csrf_token": csrf_from(page)})
    order = _order(app, number)
    assert order.status == "delivered" and order.paid_at is not None
    with app.app_context():
        (payment,) = db.session.get(Order, order.id).payments
        assert (payment.provider, payment.status, payment.currency) == ("cod", "succeeded", "RUB")
        cash, currency = order.cash_due()  # the cash the courier collects, in whole roubles
        assert currency == "RUB" and cash == cash.to_integral_value()
        assert payment.amount_minor == int(cash * 100)
        staff_user = db.session.scalar(sa.select(User).where(User.email == "staff@example.com"))
    with app.app_context(), pytest.raises(ordering.CannotDeliver):
        ordering.record_delivery(number, staff_user)


def test_only_the_owner_or_staff_see_an_order(app, buyer, world):
    buyer.fill_cart({world["CR-ROSE"]: 1})
    number = _place(buyer)
    other = new_buyer(app, "other@example.com").sign_in()
    assert other.client.get(f"/en/orders/{number}").status_code == 404
    assert other.client.get(f"/en/orders/{number}/pay").status_code == 404
    assert number not in other.client.get("/en/orders").get_data(as_text=True)
    assert app.test_client().get(f"/en/orders/{number}").status_code == 302  # to sign in
    admin = new_buyer(app, "admin@example.com", role="admin").sign_in()
    assert admin.client.get(f"/en/orders/{number}").status_code == 200
    mine = buyer.client.get("/ur/orders").get_data(as_text=True)
    assert number in mine and "تصدیق شدہ" in mine  # "Confirmed" in Urdu


def test_the_order_page_shows_shipments_and_dates_in_the_buyers_language(app, buyer, world):
    buyer.fill_cart({world["CR-ROSE"]: 1, world["HN-MOUNTAIN"]: 1})
    number = _place(buyer, lang="ur", name="Ayesha Khan", phone="0300 1234567", country="PK", city="Islamabad",
                    address="House 5, F-7/3", postcode="44000", line="KHG-PK-TRUCK")
    page = buyer.client.get(f"/ur/orders/{number}").get_data(as_text=True)
    assert "پاکستان ٹرک" in page  # the line's Urdu name
    assert "متوقع ترسیل" in page and "کاشغر زون سے روانہ" in page
    with app.app_context():
        shipment = db.session.scalar(sa.select(Shipment))
    from babel.dates import format_date
    assert format_date(shipment.delivery_latest, locale="ur") in page


@pytest.mark.slow
@pytest.mark.committed  # twenty threads, twenty connections, real row locks
def test_twenty_buyers_race_for_the_last_five_units_and_exactly_five_win(app, world):
    buyers = [new_buyer(app, f"racer{n}@example.com").sign_in() for n in range(20)]
    for buyer in buyers:
        buyer.fill_cart({world["LAST-5"]: 1})
    forms = [buyer.checkout_form("ru")[1] for buyer in buyers]
    start = threading.Barrier(len(buyers))
    results: list = [None] * len(buyers)

    def race(n: int) -> None:
        data = {**forms[n], "name": f"Racer {n}", "phone": "+7 912 345-67-89", "country": "RU", "city": "Moscow",
                "address": "Tverskaya 7", "postcode": "125009", "line": "auto", "payment_method": "cod"}
        start.wait()
        response = buyers[n].client.post("/ru/checkout", data=data)
        results[n] = (response.status_code, response.get_data(as_text=True))

    threads = [threading.Thread(target=race, args=(n,)) for n in range(len(buyers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    codes = sorted(code for code, _ in results)
    assert codes == [303] * 5 + [409] * 15
    for code, page in results:
        if code == 409:
            assert "Кашгарский шёлковый платок" in page and "только что закончился" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 5
        reserved = db.session.scalar(sa.select(sa.func.sum(Lot.reserved)).join(Product).where(Product.sku == "LAST-5"))
        assert reserved == 5
        losers = {b.user_id for b, (code, _) in zip(buyers, results, strict=False) if code == 409}
        kept = set(db.session.scalars(sa.select(CartItem.user_id).where(CartItem.user_id.in_(losers))))
        assert kept == losers  # they keep their cart
    _ledger_matches_lots(app)
