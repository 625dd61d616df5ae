"""A buyer whose order cannot be paid is told before filling in the form: without Stripe keys
there is no card, and China takes no cash on delivery. An English reader is asked where to deliver."""
import sqlalchemy as sa

from shop.extensions import db
from shop.models import Order

from .conftest import new_buyer


def test_without_card_payments_a_buyer_in_china_is_told_before_the_form_and_offered_no_place_order(app, world):
    buyer = new_buyer(app, "li@example.cn", lang="zh").sign_in("zh")
    buyer.fill_cart({world["CR-ROSE"]: 1})
    page, _tokens = buyer.checkout_form("zh")  # the Chinese page assumes delivery in China
    notice = page.split('id="no-way-to-pay"')[1].split("</div>")[0]
    assert " hidden" not in notice.split(">")[0]
    assert "寄往中国的订单只能用银行卡支付" in notice
    assert page.index('id="no-way-to-pay"') < page.index('id="checkout-form"')  # before the form
    assert 'id="place-order" disabled' in page
    assert 'id="pay-stripe"' not in page  # no card offered without Stripe


def test_a_forced_post_for_china_without_any_payment_method_places_nothing(app, world):
    buyer = new_buyer(app, "li@example.cn", lang="zh").sign_in("zh")
    buyer.fill_cart({world["CR-ROSE"]: 1})
    response, _ = buyer.checkout("zh", country="CN", city="上海", address="浦东新区世纪大道100号", postcode="200120",
                                 phone="+86 138 0013 8000", id_name="李晓梅", id_number="11010519491231002X",
                                 payment_method="stripe")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 0


def test_a_buyer_in_russia_without_card_payments_still_pays_cash_and_sees_no_notice(app, world):
    buyer = new_buyer(app, "ivan@example.ru", lang="ru").sign_in("ru")
    buyer.fill_cart({world["CR-ROSE"]: 1})
    page, _tokens = buyer.checkout_form("ru")
    assert '<div class="flash flash-warning" id="no-way-to-pay" role="status" hidden>' in page
    assert 'id="place-order" disabled' not in page and 'id="pay-cod"' in page


def test_an_english_buyer_with_nothing_to_go_on_chooses_the_country_at_checkout(app, world):
    buyer = new_buyer(app).sign_in()
    buyer.fill_cart({world["CR-ROSE"]: 1})
    page = buyer.client.get("/en/checkout", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    country = page.split('id="country"')[1].split("</select>")[0]
    assert "selected" not in country and '<option value="">Choose a country</option>' in country
    assert "Bishkek" not in page.split('id="city"')[1].split(">")[0]


def test_an_english_buyer_in_pakistan_gets_pakistan_at_checkout(app, world):
    buyer = new_buyer(app).sign_in()
    buyer.fill_cart({world["CR-ROSE"]: 1})
    page = buyer.client.get("/en/checkout", headers={"Accept-Language": "en-PK"}).get_data(as_text=True)
    assert '<option selected value="PK">' in page or '<option value="PK" selected>' in page
