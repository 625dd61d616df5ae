"""In Chromium, through localstripe's Stripe.js: a buyer in Russian whose first card is declined
pays with a second one on the same order and lands on the confirmation page."""
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from .test_browser import _add_to_cart, _register

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _card(page, number):
    page.wait_for_selector("#card-element input[placeholder=number]")
    page.fill("#card-element input[placeholder=number]", number)
    page.fill("#card-element input[placeholder=exp_month]", "12")
    page.fill("#card-element input[placeholder=exp_year]", "30")
    page.fill("#card-element input[placeholder=cvc]", "123")
    page.fill("#card-element input[placeholder=postal_code]", "125009")


def test_a_declined_card_then_a_good_one_pays_the_same_order(page, stripe_shop, artefacts):
    base, app = stripe_shop
    _register(page, base, "ru", "Ольга Соколова", "olga@example.ru")
    _add_to_cart(page, base, "ru", "cr-rose")
    page.goto(f"{base}/ru/checkout")
    page.fill("#name", "Ольга Соколова")
    page.select_option("#country", "RU")
    page.fill("#city", "Москва")
    page.fill("#address", "ул. Арбат, д. 10, кв. 5")
    page.fill("#postcode", "119002")
    page.fill("#phone", "+7 912 345-67-89")
    page.wait_for_selector("input[name=line][value='KHG-MOW-TRUCK']")
    page.check("#pay-stripe")
    page.click("#place-order")
    page.wait_for_url(re.compile(r"/ru/orders/KS[^/]+/pay$"))
    number = page.url.split("/orders/")[1].split("/")[0]

    _card(page, "4000000000000341")  # declined when charged
    page.click("#pay-button")
    expect(page.locator("#card-errors")).to_contain_text("Карта отклонена")
    assert page.is_enabled("#pay-button")
    page.screenshot(path=str(artefacts / "pay-declined-ru.png"), full_page=True)

    _card(page, "4242424242424242")
    page.click("#pay-button")
    page.wait_for_url(f"{base}/ru/orders/{number}/confirmation")
    assert page.get_attribute("#order-status", "data-status") == "paid"
    assert page.get_attribute("#confirmation", "data-settled") == "true"
    main = page.inner_text("main")
    assert "Спасибо" in main and "Крем для лица с розой" in main
    page.screenshot(path=str(artefacts / "confirmation-ru.png"), full_page=True)

    from shop.extensions import db
    from shop.models import Order
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.number == number))
        assert [p.status for p in sorted(order.payments, key=lambda p: p.id)] == ["failed", "succeeded"]
