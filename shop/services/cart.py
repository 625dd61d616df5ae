"""The buyer's cart: in the signed session for guests, in CartItem rows for a signed-in buyer.

Every function works on the cart of the current request. Quantities are whole numbers from
1 to 99 and never more than the stock available; breaking a rule raises a CartError whose
`code` the web layer turns into a translated message.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask import session
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from shop.database import write_transaction
from shop.extensions import db
from shop.models import CartItem, Product, User
from shop.services import catalogue

SESSION_KEY = "cart"
MAX_QUANTITY = 99
MAX_LINES = 50
MAX_SKU_LENGTH = 40


@dataclass
class CartLine:
    product: Product
    quantity: int

    @property
    def subtotal_cny(self) -> Decimal:
        return self.product.price_cny * self.quantity


class CartError(Exception):
    """A cart change the rules refuse; nothing was changed."""

    code = "cart_error"


class UnknownProduct(CartError):
    code = "unknown_product"

    def __init__(self, sku: str) -> None:
        self.sku = sku
        super().__init__(f"no product {sku[:MAX_SKU_LENGTH]!r} on sale")


class InvalidQuantity(CartError):
    """Not a whole number from 1 to 99."""

    code = "invalid_quantity"


class QuantityLimit(CartError):
    """The line would hold more than 99; `room` is how many more it can take."""

    code = "quantity_limit"

    def __init__(self, room: int) -> None:
        self.room = room
        super().__init__(f"at most {MAX_QUANTITY} of one product; room for {room}")


class NotEnoughStock(CartError):
    code = "not_enough_stock"

    def __init__(self, available: int, in_cart: int = 0) -> None:
        self.available = available
        self.in_cart = in_cart
        super().__init__(f"only {available} available ({in_cart} already in the cart)")


class CartFull(CartError):
    code = "cart_full"


def parse_quantity(raw: object) -> int:
    """A quantity typed in a form: ASCII digits only, 1 to 99."""
    text = str(raw).strip() if raw is not None else ""
    if not text or len(text) > 4 or not text.isascii() or not text.isdigit():
        raise InvalidQuantity("not a whole number")
    return _checked(int(text))


def _checked(quantity: int) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
        raise InvalidQuantity(f"{quantity!r} is not between 1 and {MAX_QUANTITY}")
    return quantity


# ---- where the cart lives ----------------------------------------------------------------

def _buyer() -> User | None:
    user = current_user._get_current_object() if current_user else None
    return user if user is not None and user.is_authenticated else None


def _session_lines() -> list[tuple[str, int]]:
    """The guest's cart from the signed session; anything malformed is dropped."""
    raw = session.get(SESSION_KEY)
    lines: list[tuple[str, int]] = []
    if not isinstance(raw, list):
        return lines
    seen = set()
    for entry in raw[:MAX_LINES]:
        if (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)
                and 0 < len(entry[0]) <= MAX_SKU_LENGTH and entry[0] not in seen
                and isinstance(entry[1], int) and not isinstance(entry[1], bool)
                and 1 <= entry[1] <= MAX_QUANTITY):
            lines.append((entry[0], entry[1]))
            seen.add(entry[0])
    return lines


def _save_session_lines(lines: list[tuple[str, int]]) -> None:
    if lines:
        session[SESSION_KEY] = [[sku, quantity] for sku, quantity in lines]
    else:
        session.pop(SESSION_KEY, None)


def _product_by_sku(sku: str) -> Product:
    sku = (sku or "").strip()
    product = None
    if 0 < len(sku) <= MAX_SKU_LENGTH:
        product = db.session.scalar(sa.select(Product).where(Product.sku == sku, Product.active.is_(True)))
    if product is None:
        raise UnknownProduct(sku)
    return product


def _with_product_details(stmt):
    return stmt.options(selectinload(CartItem.product).selectinload(Product.translations),
                        selectinload(CartItem.product).selectinload(Product.category))


# ---- reading ----------------------------------------------------------------------------

def cart_lines() -> list[CartLine]:
    """The current cart, products loaded with their translations (a fixed number of queries)."""
    user = _buyer()
    if user is not None:
        items = db.session.scalars(_with_product_details(
            sa.select(CartItem).join(Product).where(CartItem.user_id == user.id, Product.active.is_(True))
            .order_by(CartItem.id)))
        return [CartLine(item.product, item.quantity) for item in items]
    lines = _session_lines()
    if not lines:
        return []
    products = {p.sku: p for p in db.session.scalars(catalogue.with_details(
        sa.select(Product).where(Product.sku.in_([sku for sku, _ in lines]), Product.active.is_(True))))}
    return [CartLine(products[sku], quantity) for sku, quantity in lines if sku in products]


def cart_count() -> int:
    """How many items (units) the cart holds."""
    user = _buyer()
    if user is not None:
        total = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(CartItem.quantity), 0))
                                  .join(Product).where(CartItem.user_id == user.id, Product.active.is_(True)))
        return int(total or 0)
    return guest_item_count()


def guest_item_count() -> int:
    """How many items the session's guest cart holds (no database, no user lookup)."""
    return sum(quantity for _, quantity in _session_lines())


def _quantity_in_cart(product: Product, user: User | None) -> int:
    if user is not None:
        found = db.session.scalar(sa.select(CartItem.quantity).where(
            CartItem.user_id == user.id, CartItem.product_id == product.id))
        return int(found or 0)
    return dict(_session_lines()).get(product.sku, 0)


def _check_stock(product: Product, wanted: int, in_cart: int) -> None:
    available = catalogue.stock_available([product.id])[product.id]
    if wanted > available:
        raise NotEnoughStock(max(available, 0), in_cart)


# ---- changing ---------------------------------------------------------------------------

def add_to_cart(sku: str, quantity: int) -> CartLine:
    """Put `quantity` more of the product into the cart; returns its line as it now stands."""
    quantity = _checked(quantity)
    product = _product_by_sku(sku)
    user = _buyer()
    in_cart = _quantity_in_cart(product, user)
    wanted = in_cart + quantity
    if wanted > MAX_QUANTITY:
        raise QuantityLimit(MAX_QUANTITY - in_cart)
    _check_stock(product, wanted, in_cart)
    _store(product, wanted, user)
    return CartLine(product, wanted)


def set_quantity(sku: str, quantity: int) -> CartLine:
    """Change how many of a product the cart holds (1 to 99; `remove` takes it out)."""
    quantity = _checked(quantity)
    product = _product_by_sku(sku)
    user = _buyer()
    in_cart = _quantity_in_cart(product, user)
    if in_cart == 0:
        raise UnknownProduct(sku)
    _check_stock(product, quantity, 0)  # the new quantity replaces what the cart holds
    _store(product, quantity, user)
    return CartLine(product, quantity)


def remove(sku: str) -> bool:
    """Take a product out of the cart; False when it was not there."""
    user = _buyer()
    sku = (sku or "").strip()
    if user is not None:
        product_id = db.session.scalar(sa.select(Product.id).where(Product.sku == sku)) if sku else None
        if product_id is None:
            return False
        with write_transaction() as s:
            deleted = s.execute(sa.delete(CartItem).where(
                CartItem.user_id == user.id, CartItem.product_id == product_id)).rowcount
        return bool(deleted)
    lines = _session_lines()
    kept = [(s, q) for s, q in lines if s != sku]
    _save_session_lines(kept)
    return len(kept) != len(lines)


def clear_cart() -> None:
    """Empty the cart (after an order is placed, for instance)."""
    user = _buyer()
    if user is not None:
        with write_transaction() as s:
            s.execute(sa.delete(CartItem).where(CartItem.user_id == user.id))
    session.pop(SESSION_KEY, None)


def merge_session_cart_into_user(user: User) -> int:
    """Move the guest cart of this session into `user`'s cart (call at sign-in; safe twice).

    Quantities add up, capped at 99 and at the stock available; products no longer on sale
    are dropped. The session cart is emptied, so a second call has nothing to merge.
    Returns how many lines were merged."""
    lines = _session_lines()
    if not lines:
        session.pop(SESSION_KEY, None)
        return 0
    products = {p.sku: p for p in db.session.scalars(
        sa.select(Product).where(Product.sku.in_([sku for sku, _ in lines]), Product.active.is_(True)))}
    stock = catalogue.stock_available(p.id for p in products.values())
    merged = 0
    for attempt in range(2):  # a concurrent sign-in may insert the same line first: redo once
        try:
            with write_transaction() as s:
                existing = {item.product_id: item for item in s.scalars(
                    sa.select(CartItem).where(CartItem.user_id == user.id))}
                merged = 0
                for sku, quantity in lines:
                    product = products.get(sku)
                    if product is None:
                        continue
                    item = existing.get(product.id)
                    total = min(MAX_QUANTITY, (item.quantity if item else 0) + quantity, stock[product.id])
                    if total < 1:
                        continue
                    if item is None:
                        s.add(CartItem(user_id=user.id, product_id=product.id, quantity=total))
                    else:
                        item.quantity = total
                    merged += 1
            break
        except IntegrityError:
            if attempt:
                raise
    session.pop(SESSION_KEY, None)
    return merged


def _store(product: Product, quantity: int, user: User | None) -> None:
    if user is None:
        lines = _session_lines()
        if product.sku not in dict(lines) and len(lines) >= MAX_LINES:
            raise CartFull(f"at most {MAX_LINES} different products")
        if product.sku in dict(lines):
            lines = [(s, quantity if s == product.sku else q) for s, q in lines]
        else:
            lines.append((product.sku, quantity))
        _save_session_lines(lines)
        return
    for attempt in range(2):
        try:
            with write_transaction() as s:
                item = s.scalar(sa.select(CartItem).where(
                    CartItem.user_id == user.id, CartItem.product_id == product.id))
                if item is None:
                    if s.scalar(sa.select(sa.func.count()).where(CartItem.user_id == user.id)) >= MAX_LINES:
                        raise CartFull(f"at most {MAX_LINES} different products")
                    s.add(CartItem(user_id=user.id, product_id=product.id, quantity=quantity))
                else:
                    item.quantity = quantity
            return
        except IntegrityError:
            if attempt:
                raise
