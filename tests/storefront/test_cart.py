"""The cart: guests in the signed session, buyers in CartItem rows; quantities 1 to 99 within stock."""
import re

import pytest
import sqlalchemy as sa
from flask import session
from flask_login import login_user

from shop.extensions import db
from shop.models import CartItem, Product, User
from shop.services import cart
from shop.web.context import bring_guest_cart, buyer_context, keep_cart


def lines_on(html):
    """(sku, quantity) of each line on the cart page."""
    return [(sku, int(q)) for sku, q in re.findall(
        r'name="sku" value="([^"]+)">\s*<label[^>]*>[^<]*</label>\s*<input[^>]*value="(\d+)"', html)]


def header_count(html):
    return int(re.search(r'<span class="badge" aria-hidden="true">(\d+)</span>', html).group(1))


def test_guest_adds_to_cart_and_sees_count_and_total(shopper):
    response = shopper.add("RU-CHOC-1", "2")
    assert response.status_code == 303 and response.headers["Location"] == "/en/cart"
    html = shopper.cart_page()
    assert lines_on(html) == [("RU-CHOC-1", 2)]
    assert header_count(html) == 2
    assert "Added 2 × \u2068Alenka milk chocolate\u2069 to your cart." in html  # the name isolated
    assert "2 items" in html


def test_adding_again_adds_up_and_keeps_order(shopper):
    shopper.add("KG-HONEY-1", "1")
    shopper.add("RU-CHOC-1", "2")
    shopper.add("KG-HONEY-1", "3")
    assert lines_on(shopper.cart_page()) == [("KG-HONEY-1", 4), ("RU-CHOC-1", 2)]


@pytest.mark.parametrize("quantity", [None, "", "0", "-1", "abc", "1.5", "1e3", "100", "99999999999999999999",
                                      "٣", " ", "0x10", "+5"])
def test_bad_quantities_change_nothing_and_say_why(shopper, quantity):
    shopper.add("RU-CHOC-1", "1")
    data = {"sku": "RU-CHOC-1"} if quantity is None else {"sku": "RU-CHOC-1", "quantity": quantity}
    response = shopper.post("/cart", data, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Please enter a quantity from 1 to 99." in html
    assert lines_on(shopper.cart_page()) == [("RU-CHOC-1", 1)]


def test_bad_input_re_shows_the_page_it_came_from(shopper):
    response = shopper.post("/cart", {"sku": "RU-CHOC-1", "quantity": "0", "next": "/en/products/alenka-milk-chocolate"})
    assert response.headers["Location"] == "/en/products/alenka-milk-chocolate"
    response = shopper.post("/cart", {"sku": "RU-CHOC-1", "quantity": "0", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/en/cart"


@pytest.mark.parametrize("sku", ["", "NO-SUCH-SKU", "XX-GONE-1", "x" * 500, "RU-CHOC-1' OR '1'='1"])
def test_unknown_products_are_refused(shopper, sku):
    html = shopper.add(sku, "1", follow_redirects=True).get_data(as_text=True)
    assert "That product is not on sale. Nothing was changed." in html
    assert lines_on(shopper.cart_page()) == []


def test_never_more_than_the_stock_available(shopper):
    html = shopper.add("KZ-BREAD-1", "4", follow_redirects=True).get_data(as_text=True)
    assert "Only 3 are available. Please choose a smaller quantity." in html
    assert lines_on(shopper.cart_page()) == []
    shopper.add("KZ-BREAD-1", "2")
    html = shopper.add("KZ-BREAD-1", "2", follow_redirects=True).get_data(as_text=True)
    assert "Only 3 are available and your cart already holds 2." in html
    assert lines_on(shopper.cart_page()) == [("KZ-BREAD-1", 2)]


def test_out_of_stock_products_cannot_be_added(shopper):
    html = shopper.add("UZ-APRICOT-1", "1", follow_redirects=True).get_data(as_text=True)
    assert "Sorry, this product is out of stock." in html


def test_never_more_than_99_of_one_product(shop):
    from tests.storefront.conftest import Shopper
    with shop.app_context():
        lot = db.session.scalar(sa.select(Product).where(Product.sku == "RU-CHOC-1")).lots[0]
        lot.on_hand = 500
        db.session.commit()
    shopper = Shopper(shop.test_client())
    shopper.add("RU-CHOC-1", "95")
    html = shopper.add("RU-CHOC-1", "5", follow_redirects=True).get_data(as_text=True)
    assert "You can add only 4 more of this product" in html
    shopper.add("RU-CHOC-1", "4")
    html = shopper.add("RU-CHOC-1", "1", follow_redirects=True).get_data(as_text=True)
    assert "Your cart already holds 99 of this product" in html
    assert lines_on(shopper.cart_page()) == [("RU-CHOC-1", 99)]


def test_messages_are_translated(shop):
    from tests.storefront.conftest import Shopper
    shopper = Shopper(shop.test_client(), lang="ru")
    html = shopper.add("KZ-BREAD-1", "5", follow_redirects=True).get_data(as_text=True)
    assert "Доступно только 3" in html
    html = shopper.add("KZ-BREAD-1", "0", follow_redirects=True).get_data(as_text=True)
    assert "Укажите количество от 1 до 99." in html


def test_a_post_without_csrf_token_changes_nothing(shopper):
    shopper.cart_page()
    response = shopper.client.post("/en/cart", data={"sku": "RU-CHOC-1", "quantity": "1"},
                                   headers={"Referer": "http://localhost/en/products/alenka-milk-chocolate"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/en/products/alenka-milk-chocolate"
    html = shopper.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your form had expired. Please try again." in html
    assert lines_on(shopper.cart_page()) == []


def test_change_quantity_and_remove(shopper):
    shopper.add("RU-CHOC-1", "1")
    shopper.add("PK-ATTAR-1", "1")
    html = shopper.post("/cart/update", {"sku": "RU-CHOC-1", "quantity": "5"}, follow_redirects=True).get_data(
        as_text=True)
    assert "quantity changed to 5" in html
    assert lines_on(html) == [("RU-CHOC-1", 5), ("PK-ATTAR-1", 1)]
    html = shopper.post("/cart/update", {"sku": "RU-CHOC-1", "quantity": "0"}, follow_redirects=True).get_data(
        as_text=True)
    assert "Please enter a quantity from 1 to 99." in html and lines_on(html)[0] == ("RU-CHOC-1", 5)
    html = shopper.post("/cart/update", {"sku": "PK-ATTAR-1", "quantity": "13"}, follow_redirects=True).get_data(
        as_text=True)
    assert "Only 12 are available." in html
    html = shopper.post("/cart/remove", {"sku": "RU-CHOC-1"}, follow_redirects=True).get_data(as_text=True)
    assert lines_on(html) == [("PK-ATTAR-1", 1)]
    assert header_count(html) == 1


def test_a_tampered_cart_cookie_is_ignored(shopper):
    shopper.add("RU-CHOC-1", "2")
    cookie = shopper.client.get_cookie("session")
    value = cookie.value
    forged = value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB")
    shopper.client.set_cookie("session", forged)
    response = shopper.client.get("/en/cart")
    assert response.status_code == 200
    assert lines_on(response.get_data(as_text=True)) == []


@pytest.mark.parametrize("content", ["garbage", {"RU-CHOC-1": 2}, [["RU-CHOC-1", 500]], [["RU-CHOC-1", "2"]],
                                     [["RU-CHOC-1"]], [[None, 1]], [["RU-CHOC-1", True]]])
def test_a_malformed_session_cart_is_ignored(shopper, content):
    with shopper.client.session_transaction() as s:
        s["cart"] = content
    response = shopper.client.get("/en/cart")
    assert response.status_code == 200
    assert lines_on(response.get_data(as_text=True)) == []


def test_signed_in_buyer_keeps_the_cart_in_the_database(shop, buyer):
    from tests.storefront.conftest import Shopper
    shopper = Shopper(shop.test_client())
    shopper.login()
    shopper.add("RU-CHOC-1", "2")
    shopper.add("KG-HONEY-1", "1")
    with shop.app_context():
        rows = db.session.execute(sa.select(Product.sku, CartItem.quantity).join(Product)
                                  .where(CartItem.user_id == buyer).order_by(CartItem.id)).all()
        assert [tuple(r) for r in rows] == [("RU-CHOC-1", 2), ("KG-HONEY-1", 1)]
    html = shopper.cart_page()
    assert header_count(html) == 3
    assert 'href="/en/orders"' in html  # "My orders" in the header
    shopper.post("/cart/update", {"sku": "RU-CHOC-1", "quantity": "4"})
    shopper.post("/cart/remove", {"sku": "KG-HONEY-1"})
    assert lines_on(shopper.cart_page()) == [("RU-CHOC-1", 4)]
    # a new browser, the same buyer: the cart is still there
    other = Shopper(shop.test_client())
    other.login()
    assert lines_on(other.cart_page()) == [("RU-CHOC-1", 4)]


def test_merge_at_sign_in_adds_up_within_limits_and_is_safe_twice(shop, buyer):
    with shop.test_request_context("/en/cart"):
        user = db.session.get(User, buyer)
        ids = dict(db.session.execute(sa.select(Product.sku, Product.id)).all())
        db.session.add(CartItem(user_id=user.id, product_id=ids["RU-CHOC-1"], quantity=1))
        db.session.add(CartItem(user_id=user.id, product_id=ids["KZ-BREAD-1"], quantity=2))
        db.session.commit()
        session["cart"] = [["RU-CHOC-1", 2], ["KZ-BREAD-1", 2], ["PK-ATTAR-1", 1], ["UZ-APRICOT-1", 1],
                           ["XX-GONE-1", 1]]
        login_user(user)
        assert bring_guest_cart(user.id) == 3
        assert "cart" not in session
        assert bring_guest_cart(user.id) == 0
        assert [(line.product.sku, line.quantity) for line in cart.cart_lines(buyer_context())] == [
            ("RU-CHOC-1", 3), ("KZ-BREAD-1", 3), ("PK-ATTAR-1", 1)]
        assert cart.cart_count(buyer_context()) == 7


def test_clear_cart_empties_both_stores(shop, buyer):
    with shop.test_request_context("/en/cart"):
        user = db.session.get(User, buyer)
        login_user(user)
        keep_cart(cart.add_to_cart(buyer_context(), "RU-CHOC-1", 2))
        session["cart"] = [["KG-HONEY-1", 1]]
        keep_cart(cart.clear_cart(buyer_context()))
        assert cart.cart_lines(buyer_context()) == [] and "cart" not in session


@pytest.mark.parametrize("signed_in", [False, True])
def test_cart_lines_load_in_a_fixed_number_of_queries(shop, buyer, signed_in):
    from sqlalchemy import event

    from shop.models import Category, Merchant
    from tests.storefront.conftest import add_product
    with shop.test_request_context("/en/cart"):
        merchant = db.session.scalar(sa.select(Merchant))
        food = db.session.scalar(sa.select(Category).where(Category.slug == "food"))
        extra = [add_product(sku=f"N-{i}", category=food, merchant=merchant, stock=5,
                             names={"en": f"N {i}", "zh": f"品{i}", "ru": f"Н {i}", "ur": f"ن {i}"}).sku
                 for i in range(12)]
        db.session.commit()
        if signed_in:
            login_user(db.session.get(User, buyer))
        counts = []
        for skus in (extra[:1], extra):
            keep_cart(cart.clear_cart(buyer_context()))
            for sku in skus:
                keep_cart(cart.add_to_cart(buyer_context(), sku, 1))
            db.session.expunge_all()
            if signed_in:
                login_user(db.session.get(User, buyer))
            statements = []
            listener = lambda *args, _seen=statements: _seen.append(args[2])  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                lines = cart.cart_lines(buyer_context())
                names = [line.product.text("en").name for line in lines]
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
            assert len(names) == len(skus)
            counts.append(len(statements))
        assert counts[0] == counts[1]


def test_the_guest_cart_follows_the_buyer_through_sign_in(shop, buyer):
    from tests.storefront.conftest import Shopper
    shopper = Shopper(shop.test_client())
    shopper.add("RU-CHOC-1", "2")
    shopper.login()
    with shop.app_context():
        rows = db.session.execute(sa.select(Product.sku, CartItem.quantity).join(Product)
                                  .where(CartItem.user_id == buyer)).all()
        assert [tuple(r) for r in rows] == [("RU-CHOC-1", 2)]
    html = shopper.cart_page()
    assert lines_on(html) == [("RU-CHOC-1", 2)] and header_count(html) == 2
