"""Buyers in Chromium: one in Urdu pays by card through localstripe's Stripe.js, one in Russian
orders for cash on delivery."""
import re

import pytest
import sqlalchemy as sa

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _in_urdu(app, text: str) -> str:
    from flask_babel import force_locale, gettext
    with app.test_request_context("/ur/"), force_locale("ur"):
        translated = gettext(text)
    assert translated != text
    return translated


def _register(page, base, lang, name, email):
    page.goto(f"{base}/{lang}/register")
    page.fill("#name", name)
    page.fill("#email", email)
    page.fill("#password", "a-long-password-1")
    page.fill("#password2", "a-long-password-1")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def _add_to_cart(page, base, lang, slug):
    page.goto(f"{base}/{lang}/products/{slug}")
    page.click("form.add-to-cart button[type=submit]")
    page.wait_for_url(re.compile(rf"/{lang}/(cart|products/)"))


def test_a_buyer_in_urdu_checks_out_to_lahore_and_pays_by_card(page, stripe_shop, artefacts):
    base, app = stripe_shop
    _register(page, base, "ur", "عائشہ خان", "ayesha@example.pk")
    _add_to_cart(page, base, "ur", "cr-rose")
    page.goto(f"{base}/ur/cart")
    page.click("a[href='/ur/checkout']")
    page.wait_for_url(f"{base}/ur/checkout")
    assert page.get_attribute("html", "dir") == "rtl"

    page.fill("#name", "عائشہ خان")
    page.select_option("#country", "PK")
    page.fill("#city", "لاہور")
    page.fill("#address", "مکان ۵، گلی ۱۰، ماڈل ٹاؤن")
    page.fill("#postcode", "54000")
    page.fill("#phone", "0300 1234567")
    # The options follow the address without a reload: the page opened on Islamabad, which the
    # air line serves; Lahore only the truck does.
    page.wait_for_selector("input[name=line][value='KHG-AIR']", state="detached")
    assert page.locator("input[name=line][value='KHG-PK-TRUCK']").count() == 1
    page.check("input[name=line][value='KHG-PK-TRUCK']")
    assert page.is_checked("#pay-stripe")
    page.screenshot(path=str(artefacts / "checkout-ur.png"), full_page=True)
    page.click("#place-order")
    page.wait_for_url(re.compile(r"/ur/orders/KS[^/]+/pay$"))

    # localstripe's Stripe.js stand-in draws plain inputs; this card asks for 3-D Secure.
    page.wait_for_selector("#card-element input[placeholder=number]")
    page.fill("#card-element input[placeholder=number]", "4000002500003155")
    page.fill("#card-element input[placeholder=exp_month]", "12")
    page.fill("#card-element input[placeholder=exp_year]", "30")
    page.fill("#card-element input[placeholder=cvc]", "123")
    page.fill("#card-element input[placeholder=postal_code]", "54000")
    page.screenshot(path=str(artefacts / "pay-ur.png"), full_page=True)
    page.click("#pay-button")
    page.click("text=Complete authentication")  # the stand-in's confirmCardPayment dialog
    page.wait_for_url(re.compile(r"/ur/orders/KS[^/?]+/confirmation$"))
    assert page.get_attribute("#order-status", "data-status") == "paid"
    assert page.inner_text("#order-status") == _in_urdu(app, "Paid")
    assert "پاکستان ٹرک" in page.inner_text("main")
    page.screenshot(path=str(artefacts / "order-ur.png"), full_page=True)

    number = page.url.split("/orders/")[1].split("/")[0]
    from shop.extensions import db
    from shop.models import Order
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.number == number))
        assert (order.ship_city, order.currency, order.lang) == ("لاہور", "PKR", "ur")
        assert order.ship_address_latin.endswith("Lahore, 54000, PK")
        assert [p.status for p in order.payments] == ["succeeded"]


def test_a_buyer_in_russian_orders_to_moscow_cash_on_delivery(page, stripe_shop, artefacts):
    base, app = stripe_shop
    _register(page, base, "ru", "Иван Петров", "ivan@example.ru")
    _add_to_cart(page, base, "ru", "lb-soft")
    page.goto(f"{base}/ru/checkout")
    page.fill("#name", "Иван Петров")
    page.select_option("#country", "RU")
    page.fill("#city", "Москва")
    page.fill("#address", "ул. Тверская, д. 7, кв. 12")
    page.fill("#postcode", "125009")
    page.fill("#phone", "+7 912 345-67-89")
    page.wait_for_selector("input[name=line][value='KHG-MOW-TRUCK']")
    page.check("#pay-cod")
    total = page.inner_text("#sum-total")
    assert "₽" in total
    page.screenshot(path=str(artefacts / "checkout-ru.png"), full_page=True)
    page.click("#place-order")
    page.wait_for_url(re.compile(r"/ru/orders/KS[^/]+$"))
    assert page.get_attribute("#order-status", "data-status") == "confirmed"
    main = page.inner_text("main")
    assert "Подтверждён" in main and "Грузовик до Москвы" in main and "Ожидаемая доставка" in main
    assert "Оплата при получении" in main
    page.screenshot(path=str(artefacts / "order-ru.png"), full_page=True)
    page.goto(f"{base}/ru/orders")
    assert "Подтверждён" in page.inner_text("main")
