"""Cash on delivery is collected in the destination's money, fixed when the order is placed, and
shown so to the buyer, on the packing slip and on the parcel label."""
from decimal import Decimal

import sqlalchemy as sa

from shop.extensions import db
from shop.models import ExchangeRate, Order, Shipment

from .conftest import new_buyer

LAHORE = dict(name="Ayesha Khan", phone="0300 1234567", country="PK", city="Lahore",
              address="House 5, Street 10, Model Town", postcode="54000", payment_method="cod")


def _place(buyer, lang="en", **fields) -> str:
    response, _ = buyer.checkout(lang, **fields)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return response.headers["Location"].rsplit("/", 1)[1]


def _order(app, number) -> Order:
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.number == number))
        db.session.expunge(order)
        return order


def test_an_english_buyer_in_lahore_pays_the_courier_in_rupees_rounded_to_tens(app, buyer, world):
    buyer.fill_cart({world["CR-ROSE"]: 1})
    number = _place(buyer, **LAHORE)
    order = _order(app, number)
    assert order.currency == "USD"  # prices were shown in dollars ...
    assert (order.cod_currency, order.cod_rate) == ("PKR", Decimal("39.00"))  # ... cash is rupees
    exact = order.total_cny * Decimal("39.00")
    assert order.cod_amount % 10 == 0 and abs(order.cod_amount - exact) <= 5
    page = buyer.client.get(f"/en/orders/{number}").get_data(as_text=True)
    rupees = f"{int(order.cod_amount):,}"
    assert f"You pay PKR\u00a0{rupees} in cash when it is delivered." in page
    assert "1 CNY = PKR\u00a039.00" in page
    assert "$" not in page.split('id="cash-due"')[1].split("</p>")[0]


def test_the_rate_is_fixed_when_the_order_is_placed(app, buyer, world):
    buyer.fill_cart({world["CR-ROSE"]: 1})
    number = _place(buyer, "ru")  # Moscow
    before = _order(app, number)
    with app.app_context():
        db.session.execute(sa.update(ExchangeRate).where(ExchangeRate.currency == "RUB").values(rate=Decimal("20")))
        db.session.commit()
    after = _order(app, number)
    assert (after.cod_currency, after.cod_amount, after.cod_rate) == ("RUB", before.cod_amount, Decimal("11.50"))
    assert after.cod_amount == (after.total_cny * Decimal("11.50")).quantize(Decimal(1))
    page = buyer.client.get(f"/ru/orders/{number}").get_data(as_text=True)
    assert f"{int(after.cod_amount):,}".replace(",", "\u00a0") + "\u00a0₽" in page


def test_the_packing_slip_and_the_label_say_the_cash_to_collect_in_rupees(app, buyer, world):
    buyer.fill_cart({world["CR-ROSE"]: 1})
    number = _place(buyer, "ur", **{**LAHORE, "name": "عائشہ خان"})
    order = _order(app, number)
    with app.app_context():
        shipment = db.session.scalar(sa.select(Shipment).where(Shipment.order_id == order.id))
        shipment.waybill, shipment.status = "KS0000000001", "packed"
        db.session.execute(sa.update(Order).where(Order.id == order.id).values(status="packed"))
        db.session.commit()
        shipment_id = shipment.id
    staff = new_buyer(app, "staff@example.com", role="staff").sign_in()
    rupees = f"{int(order.cod_amount):,}"
    slip = staff.client.get(f"/fulfilment/shipments/{shipment_id}/packing-slip").get_data(as_text=True)
    assert f"Rs\u00a0{rupees}" in slip  # in the buyer's Urdu.split('id="cash-due"')[1].split("</p>")[0]
    label = staff.client.get(f"/fulfilment/shipments/{shipment_id}/label").get_data(as_text=True)
    assert f"PKR\u00a0{rupees}" in label.split('id="cash-due"')[1].split("</div>")[0]
    assert "$" not in label.split('id="cash-due"')[1].split("</div>")[0]


def test_a_card_order_fixes_no_cash_amount(app, buyer, world):
    buyer.fill_cart({world["CR-ROSE"]: 1})
    # Without Stripe the card is refused, so the card order is made directly in the table.
    number = _place(buyer, **LAHORE)
    with app.app_context():
        db.session.execute(sa.update(Order).where(Order.number == number).values(
            payment_method="stripe", cod_currency=None, cod_amount=None, cod_rate=None, status="paid"))
        db.session.commit()
    assert 'id="cash-due"' not in buyer.client.get(f"/en/orders/{number}").get_data(as_text=True)


def test_the_order_mail_names_the_cash_to_pay_in_rupees(app, buyer, world):
    from shop.models import OutboxMessage
    buyer.fill_cart({world["CR-ROSE"]: 1})
    number = _place(buyer, "ur", **LAHORE)
    order = _order(app, number)
    with app.app_context():
        mail = db.session.scalar(sa.select(OutboxMessage))
    (line,) = [text for text in mail.body.splitlines() if "ڈیلیوری پر ادا کی جانے والی نقد رقم" in text]
    assert "Rs" in line and f"{int(order.cod_amount):,}" in line and "$" not in line


def test_the_checkout_says_which_money_the_courier_collects(app, buyer, world):
    buyer.fill_cart({world["CR-ROSE"]: 1})
    page = buyer.client.get("/ru/checkout").get_data(as_text=True)  # Moscow, from the Russian page
    words = page.split('id="cod-currency"')[1].split("</span>")[0]
    assert "Валюта оплаты: российский рубль" in words and " hidden" not in words.split(">")[0]
    import html
    import json
    data = json.loads(html.unescape(words.split("data-words='")[1].split("'")[0]))
    assert data["PK"].startswith("Валюта оплаты: пакистанская рупия")
