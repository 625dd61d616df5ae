"""Allowances counted over time: China's CBEC annual limit per PRC ID number (unpaid reserved
orders included) and a destination's monthly duty-free allowance per recipient."""
import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from shop.extensions import db
from shop.models import DutyRule, Order
from shop.services import ordering

VALID_ID = "11010519491231002X"
TASHKENT = {"name": "Aziz Karimov", "phone": "+998 90 123 45 67", "country": "UZ", "city": "Tashkent",
            "address": "Amir Temur ko'chasi 15", "postcode": "100000", "line": "auto", "payment_method": "cod"}


def _order(number: str, *, status: str, goods: str, country: str = "CN", phone: str = "+8613800138000",
           placed_at: dt.datetime | None = None, paid_at: dt.datetime | None = None, id_number=VALID_ID) -> Order:
    return Order(number=number, email="b@example.com", flow="import" if country == "CN" else "export",
                 status=status, payment_method="stripe", currency="CNY", exchange_rate=Decimal(1),
                 goods_cny=Decimal(goods), shipping_cny=Decimal(0), tax_cny=Decimal(0), total_cny=Decimal(goods),
                 ship_name="王小明", ship_phone=phone, ship_country=country, ship_city="上海", ship_address="x",
                 id_name="王小明" if country == "CN" else None, id_number=id_number if country == "CN" else None,
                 placed_at=placed_at or dt.datetime.now(dt.UTC), paid_at=paid_at)


def test_unpaid_orders_holding_stock_count_against_the_annual_limit(app, world):
    now = dt.datetime.now(dt.UTC)
    last_year = now - dt.timedelta(days=400)
    with app.app_context():
        db.session.add_all([
            _order("KS-A-1", status="pending_payment", goods="20000"),            # reserved, unpaid: counts
            _order("KS-A-2", status="paid", goods="3000", paid_at=now),           # paid: counts
            _order("KS-A-3", status="cancelled", goods="5000"),                   # released: does not
            _order("KS-A-4", status="pending_payment", goods="5000", placed_at=last_year),  # last year
            _order("KS-A-5", status="paid", goods="5000", paid_at=now, id_number="110105194912310037"),
        ])
        db.session.commit()
        assert ordering.paid_import_value(VALID_ID, now) == Decimal("23000")
        assert ordering.paid_import_value(VALID_ID.lower(), now) == Decimal("23000")


def test_a_second_unpaid_order_cannot_pass_the_annual_limit_the_first_one_holds(stripe_app, stripe_buyer,
                                                                                 stripe_world):
    app, buyer, world = stripe_app, stripe_buyer, stripe_world
    with app.app_context():
        db.session.add(_order("KS-B-1", status="pending_payment", goods="25000"))
        db.session.commit()
    buyer.fill_cart({world["CR-ROSE"]: 10})  # 1,280 CNY; 1,000 left this year
    response, _ = buyer.checkout("en", name="王小明", phone="138 0013 8000", country="CN", city="上海",
                                 address="浦东新区世纪大道100号", postcode="200120", id_name="王小明",
                                 id_number=VALID_ID, payment_method="stripe")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "CN¥26,000.00" in page and "CN¥1,000.00" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 1


def _monthly_uzbek_rule() -> None:
    db.session.add(DutyRule(country="UZ", threshold=Decimal("200"), currency="USD", rate=Decimal("0.30"),
                            per="month"))
    db.session.commit()


def test_the_monthly_allowance_counts_what_the_recipient_was_sent_earlier_this_month(app, buyer, world):
    now = dt.datetime.now(dt.UTC)
    with app.app_context():
        _monthly_uzbek_rule()
        db.session.add_all([
            _order("KS-M-1", status="confirmed", goods="1000", country="UZ", phone="+998901234567"),
            _order("KS-M-2", status="cancelled", goods="9000", country="UZ", phone="+998901234567"),
            _order("KS-M-3", status="delivered", goods="9000", country="UZ", phone="+998907654321"),
            _order("KS-M-4", status="delivered", goods="9000", country="UZ", phone="+998901234567",
                   placed_at=now - dt.timedelta(days=40)),
        ])
        db.session.commit()
        assert ordering.sent_this_month("UZ", "+998 90 123 45 67", now) == Decimal("1000")
    buyer.fill_cart({world["CR-ROSE"]: 5})  # 640 CNY: under the 1,428.57 allowance alone, over with the 1,000
    response, _ = buyer.checkout("en", **TASHKENT)
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.ship_country == "UZ", Order.goods_cny == 640))
        # 1,640 - 1,428.57 (USD 200 at 0.14 USD per CNY) = 211.43 over; 30% of it
        assert order.tax_cny == Decimal("63.43")


def test_a_first_order_of_the_month_under_the_allowance_pays_no_duty(app, buyer, world):
    with app.app_context():
        _monthly_uzbek_rule()
    buyer.fill_cart({world["CR-ROSE"]: 5})
    response, _ = buyer.checkout("en", **TASHKENT)
    assert response.status_code == 303
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.ship_country == "UZ"))
        assert order.tax_cny == Decimal("0.00")
