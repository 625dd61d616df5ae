"""The buyer context is made at the edge from the request: language, currency and destination
cookies, the guest's cart in the session, the signed-in buyer; the cart service only reads it."""
from flask import g, session
from flask_login import login_user

from shop.domain.places import Place
from shop.extensions import db
from shop.models import User
from shop.services import cart
from shop.web.context import buyer_context, keep_cart


def _context(app, path="/ru/", cookies=""):
    headers = {"Cookie": cookies} if cookies else {}
    return app.test_request_context(path, headers=headers)


def test_the_context_carries_the_buyers_choices_from_the_cookies(shop):
    with _context(shop, "/ru/", "currency=PKR; destination=PK:Lahore"):
        g.lang = "ru"
        ctx = buyer_context()
        assert (ctx.lang, ctx.currency, ctx.place, ctx.user_id) == ("ru", "PKR", Place("PK", "Lahore"), None)
        assert buyer_context() is ctx  # made once per request


def test_choices_the_shop_cannot_honour_fall_back_to_the_languages_defaults(shop):
    # No rate for KZT in this shop, and a destination that is not a place.
    with _context(shop, "/ru/", "currency=KZT; destination=nowhere"):
        g.lang = "ru"
        ctx = buyer_context()
        assert (ctx.currency, ctx.place) == ("RUB", Place("RU", "Moscow"))


def test_a_guests_cart_comes_from_the_session_and_changes_go_back_only_through_the_web_layer(shop):
    with _context(shop, "/en/cart"):
        session["cart"] = [["RU-CHOC-1", 1], ["bad", "x"], ["KG-HONEY-1", 0]]
        ctx = buyer_context()
        assert ctx.guest_lines == (("RU-CHOC-1", 1),)
        change = cart.add_to_cart(ctx, "KG-HONEY-1", 2)
        assert change.guest_lines == (("RU-CHOC-1", 1), ("KG-HONEY-1", 2))
        assert session["cart"] == [["RU-CHOC-1", 1], ["bad", "x"], ["KG-HONEY-1", 0]]  # the service left it alone
        keep_cart(change)
        assert session["cart"] == [["RU-CHOC-1", 1], ["KG-HONEY-1", 2]]
        assert cart.cart_count(buyer_context()) == 3


def test_a_signed_in_buyers_context_names_them_and_leaves_the_guest_cart_out(shop, buyer):
    with _context(shop, "/en/cart"):
        session["cart"] = [["RU-CHOC-1", 1]]
        login_user(db.session.get(User, buyer))
        ctx = buyer_context()
        assert ctx.user_id == buyer and ctx.guest_lines == ()
        keep_cart(cart.add_to_cart(ctx, "KG-HONEY-1", 2))
        assert [(line.product.sku, line.quantity) for line in cart.cart_lines(buyer_context())] == [("KG-HONEY-1", 2)]
        assert session["cart"] == [["RU-CHOC-1", 1]]  # kept for the merge at sign-in, not mixed in
