"""Guests' catalogue pages come from a short-lived cache, each with the visitor's own CSRF token."""
import re

import pytest
import sqlalchemy as sa

from shop.extensions import db
from shop.models import Lot, Product
from tests.storefront.conftest import Shopper, csrf_from
from tests.support import add_user, sign_in


def stock_line(html):
    return re.search(r'<p class="stock stock-(\w+)">', html).group(1)


def sell_out(app, sku):
    with app.app_context():
        product = db.session.scalar(sa.select(Product).where(Product.sku == sku))
        for lot in product.lots:
            lot.on_hand = 0
        db.session.commit()


def sell_out_behind_the_shops_back(app, sku):
    """Empty the lots with plain SQL on a connection of its own: no use case ran, so nothing
    tells the cache (the only way left to see a page come from it)."""
    with app.app_context(), db.engine.begin() as conn:
        product_id = conn.execute(sa.select(Product.id).where(Product.sku == sku)).scalar_one()
        conn.execute(sa.update(Lot).where(Lot.product_id == product_id).values(on_hand=0, reserved=0))


@pytest.mark.committed  # another connection edits the lots behind the shop's back
def test_pages_are_cached_for_guests_with_their_own_csrf_token(shop):
    shop.config["STOREFRONT_PAGE_CACHE_SECONDS"] = 60
    first, second = shop.test_client(), shop.test_client()
    page_1 = first.get("/en/products/alenka-milk-chocolate").get_data(as_text=True)
    sell_out_behind_the_shops_back(shop, "RU-CHOC-1")
    page_2 = second.get("/en/products/alenka-milk-chocolate").get_data(as_text=True)
    assert stock_line(page_1) == stock_line(page_2) == "in"  # the second came from the cache
    assert csrf_from(page_1) != csrf_from(page_2)
    assert "csrf-token-placeholder" not in page_2
    # each visitor's token works for that visitor's forms
    response = second.post("/en/currency", data={"currency": "RUB", "csrf_token": csrf_from(page_2)})
    assert "currency=RUB" in response.headers["Set-Cookie"]


def test_cache_keeps_currency_cart_count_and_language_apart(shop):
    shop.config["STOREFRONT_PAGE_CACHE_SECONDS"] = 60
    guest = Shopper(shop.test_client())
    usd = guest.client.get("/en/products").get_data(as_text=True)
    guest.client.set_cookie("currency", "RUB")
    rub = guest.client.get("/en/products").get_data(as_text=True)
    assert "$3.50" in usd and "312.50" in rub
    guest.add("RU-CHOC-1", "2")
    guest.client.get("/en/cart")  # shows and clears the message
    html = guest.client.get("/en/products").get_data(as_text=True)
    assert '<span class="badge" aria-hidden="true">2</span>' in html
    # The English listing is in the cache now; the Russian one is its own page, in Russian
    # (every page names the other languages in hreflang="..": look at <html lang> itself).
    russian = guest.client.get("/ru/products").get_data(as_text=True)
    assert '<html lang="ru"' in russian
    assert "Шоколад «Алёнка» молочный" in russian and "Alenka milk chocolate" not in russian
    english = guest.client.get("/en/products").get_data(as_text=True)
    assert '<html lang="en"' in english
    assert "Alenka milk chocolate" in english and "Шоколад «Алёнка» молочный" not in english


def test_signed_in_buyers_get_pages_of_their_own_and_fresh_stock(shop, buyer):
    shop.config["STOREFRONT_PAGE_CACHE_SECONDS"] = 60
    shopper = Shopper(shop.test_client())
    shopper.login()
    shopper.client.get("/en/")
    assert "My orders" in shopper.client.get("/en/products").get_data(as_text=True)
    guest = shop.test_client()
    assert "My orders" not in guest.get("/en/products").get_data(as_text=True)
    assert "My orders" in shopper.client.get("/en/products").get_data(as_text=True)  # not the guest's page
    sell_out(shop, "RU-CHOC-1")
    assert stock_line(shopper.client.get("/en/products/alenka-milk-chocolate").get_data(as_text=True)) == "out"


def test_one_account_never_gets_another_accounts_cached_page(shop, buyer):
    shop.config["STOREFRONT_PAGE_CACHE_SECONDS"] = 60
    with shop.app_context():
        add_user("staff@example.com", "long-enough-password", role="staff")
        db.session.commit()
    buyer_client, staff_client = Shopper(shop.test_client()), shop.test_client()
    buyer_client.login()
    sign_in(staff_client, "staff@example.com", "long-enough-password")
    first = buyer_client.client.get("/en/products").get_data(as_text=True)
    second = staff_client.get("/en/products").get_data(as_text=True)
    assert 'href="/fulfilment/"' not in first and 'href="/fulfilment/"' in second
    assert csrf_from(first) != csrf_from(second)
    again = buyer_client.client.get("/en/products").get_data(as_text=True)
    assert 'href="/fulfilment/"' not in again


def test_cache_is_off_under_testing_by_default(shop):
    client = shop.test_client()
    assert stock_line(client.get("/en/products/alenka-milk-chocolate").get_data(as_text=True)) == "in"
    sell_out(shop, "RU-CHOC-1")
    assert stock_line(client.get("/en/products/alenka-milk-chocolate").get_data(as_text=True)) == "out"


def test_a_stock_change_through_the_shop_shows_on_the_very_next_guest_page(shop):
    shop.config["STOREFRONT_PAGE_CACHE_SECONDS"] = 60
    guest = shop.test_client()
    assert stock_line(guest.get("/en/products/alenka-milk-chocolate").get_data(as_text=True)) == "in"
    sell_out(shop, "RU-CHOC-1")  # committed through the ORM, as every use case writes
    assert stock_line(shop.test_client().get("/en/products/alenka-milk-chocolate").get_data(as_text=True)) == "out"
