"""A guest's orders: find one by its number and e-mail address, and keep one in an account
(a new one with a password, or the buyer's own once signed in with the order's e-mail)."""
from __future__ import annotations

import hmac

import sqlalchemy as sa

from shop.database import write_transaction
from shop.domain import passwords
from shop.extensions import db
from shop.models import Order, User
from shop.services import accounts, addresses, locking
from shop.services.audit import audit

MAX_NUMBER_LENGTH = 24


class NotClaimable(Exception):
    """The order is in an account already, or was placed with another e-mail address."""


def lookup(number: str, email: str) -> str | None:
    """The order's number when `number` and `email` belong together, else None. A wrong number
    and a wrong e-mail cost the same work and give the same answer."""
    number = (number or "").strip().upper()[:MAX_NUMBER_LENGTH]
    email = accounts.normalise_email(email)[:254]
    found = db.session.scalar(sa.select(Order.email).where(Order.number == number)) if number else None
    matches = hmac.compare_digest((found or "\0").strip().lower().encode(), email.encode())
    return number if found is not None and matches and email else None


def claimable_by(number: str, user_id: int | None) -> bool:
    """Whether the order is a guest's (in no account) and, for a signed-in buyer, placed with
    that account's e-mail address."""
    order = db.session.scalar(sa.select(Order).where(Order.number == number))
    if order is None or order.user_id is not None:
        return False
    if user_id is None:
        return True
    user = db.session.get(User, user_id)
    return user is not None and accounts.normalise_email(user.email) == accounts.normalise_email(order.email)


def account_exists_for(number: str) -> bool:
    """Whether an account already uses the order's e-mail address (then the buyer signs in)."""
    email = db.session.scalar(sa.select(Order.email).where(Order.number == number))
    return email is not None and accounts.find_by_email(email) is not None


def _keep(order: Order, user: User) -> None:
    order.user_id = user.id
    addresses.remember_address(user.id, {"name": order.ship_name, "phone": order.ship_phone,
                                         "country": order.ship_country, "city": order.ship_city,
                                         "address": order.ship_address, "postcode": order.ship_postcode or ""},
                               latin=order.ship_address_latin or None)
    audit(user.id, "order.claim", "order", order.number, {})


def claim_with_new_account(number: str, password: str, lang: str) -> User:
    """Open an account with the order's e-mail and this password, and keep the order in it, in one
    transaction. Raises NotClaimable, accounts.EmailTaken (sign in instead: nothing is attached
    to an existing account this way) or accounts.WeakPassword."""
    with write_transaction():
        order = next(iter(locking.lock_orders(Order.number == number)), None)
        if order is None or order.user_id is not None:
            raise NotClaimable(number)
        email = accounts.normalise_email(order.email)
        if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
            raise accounts.EmailTaken(email)
        passwords.check(password, email)
        user = User(email=email, name=order.ship_name[:120], role="buyer", preferred_lang=lang)
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
        _keep(order, user)
    return user


def attach_to_account(number: str, user_id: int) -> None:
    """Keep a guest's order in the signed-in buyer's account, when it was placed with that
    account's e-mail address (raises NotClaimable otherwise)."""
    with write_transaction():
        order = next(iter(locking.lock_orders(Order.number == number)), None)
        user = db.session.get(User, user_id)
        if (order is None or user is None or order.user_id is not None
                or accounts.normalise_email(user.email) != accounts.normalise_email(order.email)):
            raise NotClaimable(number)
        _keep(order, user)
