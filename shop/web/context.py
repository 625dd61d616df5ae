"""The buyer context, built at the edge once per request from the URL, cookies, session and
signed-in user, and handed to the use cases (which never read the request themselves)."""
from __future__ import annotations

from flask import g, has_request_context, request, session
from flask_login import current_user

from shop.domain.places import Place, destination_for
from shop.i18n import current_language
from shop.services import cart, pricing
from shop.services.context import BuyerContext, GuestLines, Memo

DESTINATION_COOKIE = "destination"
CURRENCY_COOKIE = "currency"
CART_SESSION_KEY = "cart"


def chosen_destination() -> Place | None:
    """The destination the buyer chose (cookie), if it is a place at all."""
    return Place.parse(request.cookies.get(DESTINATION_COOKIE)) if has_request_context() else None


def chosen_currency() -> str | None:
    return request.cookies.get(CURRENCY_COOKIE) if has_request_context() else None


def accepted_languages() -> tuple[str, ...]:
    """The browser's languages, best first (Accept-Language), at most a dozen."""
    if not has_request_context():
        return ()
    return tuple(str(tag)[:35] for tag in list(request.accept_languages.values())[:12])


def guessed_destination_value() -> str:
    """What the destination is taken to be before the buyer chooses one (a page cache key part)."""
    place = destination_for(current_language(), accepted_languages()) if has_request_context() else None
    return place.value if place is not None else ""


def guest_lines() -> GuestLines:
    """The guest's cart as the signed session keeps it (malformed entries dropped)."""
    return cart.clean_guest_lines(session.get(CART_SESSION_KEY)) if has_request_context() else ()


def _signed_in_id() -> int | None:
    user = current_user._get_current_object() if has_request_context() and current_user else None
    return user.id if user is not None and user.is_authenticated else None


def _build() -> BuyerContext:
    lang = current_language() if has_request_context() else "en"
    memo = Memo()
    currency = pricing.buyer_currency(lang, chosen_currency(), pricing.latest_rates(memo))
    user_id = _signed_in_id()
    return BuyerContext(lang=lang, currency=currency, destination=chosen_destination(), user_id=user_id,
                        guest_lines=guest_lines() if user_id is None else (), memo=memo,
                        accept_languages=accepted_languages())


def buyer_context() -> BuyerContext:
    """This request's buyer context (built the first time it is asked for)."""
    found = g.get("_buyer_context")
    if found is None:
        found = g._buyer_context = _build()
    return found


def forget_buyer_context() -> None:
    """Build the context again next time (after sign-in, or a cart change)."""
    g.pop("_buyer_context", None)


def keep_cart(change: cart.CartChange) -> cart.CartChange:
    """Store what a cart change left for a guest in the session; returns the change."""
    if change.guest_lines is not None:
        keep_guest_lines(change.guest_lines)
    forget_buyer_context()
    return change


def keep_guest_lines(lines: GuestLines) -> None:
    if lines:
        session[CART_SESSION_KEY] = cart.guest_lines_to_keep(lines)
    else:
        session.pop(CART_SESSION_KEY, None)


def bring_guest_cart(user_id: int) -> int:
    """At sign-in: move this session's guest cart into the buyer's, then forget it (safe twice)."""
    merged = cart.merge_guest_cart(user_id, guest_lines())
    keep_guest_lines(())
    forget_buyer_context()
    return merged
