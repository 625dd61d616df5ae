"""The buyer's cart: the guest's lines the web layer keeps (in the signed session), or CartItem
rows for a signed-in buyer.

Every function works on the cart of the BuyerContext it is given; a change to a guest's cart
returns the lines to keep (CartChange.guest_lines), for the web layer to store. Quantities are whole numbers from
1 to 99 and never more than the stock available; breaking a rule raises a CartError whose
`code` the web layer turns into a translated message.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from shop.database import write_transaction
from shop.extensions import db
from shop.models import CartItem, Product
from shop.services import catalogue
from shop.services.context import BuyerContext, GuestLines

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


@dataclass(frozen=True)
class CartChange:
    """What a change left: the product's line, and for a guest the whole cart to keep."""

    line: CartLine | None
    guest_lines: GuestLines | None = None  # None: the cart is in the database
    changed: bool = True


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

def clean_guest_lines(raw: object) -> GuestLines:
    """A guest's cart as the session kept it ([[sku, quantity], ...]); anything malformed is dropped."""
    lines: list[tuple[str, int]] = []
    if not isinstance(raw, list):
        return ()
    seen = set()
    for entry in raw[:MAX_LINES]:
        if (isinstance(entry, (list, tuple)) and len(entry) == 2 and isinstance(entry[0], str)
                and 0 < len(entry[0]) <= MAX_SKU_LENGTH and entry[0] not in seen
                and isinstance(entry[1], int) and not isinstance(entry[1], bool)
                and 1 <= entry[1] <= MAX_QUANTITY):
            lines.append((entry[0], entry[1]))
            seen.add(entry[0])
    return tuple(lines)


def guest_lines_to_keep(lines: GuestLines) -> list[list[str | int]]:
    """The guest's lines as the session keeps them (JSON lists)."""
    return [[sku, quantity] for sku, quantity in lines]


def _product_by_sku(sku: str) -> Product:
    sku = (sku or "").strip()
    product = None
    if 0 < len(sku) <= MAX_SKU_LENGTH:
        product = db.session.scalar(sa.select(Product).where(Product.sku == sku, Product.active.is_(True)))
    if product is None:
        raise UnknownProduct(sku)
    return product


def _with_product_details(stmt: sa.Select[CartItem]) -> sa.Select[CartItem]:
    return stmt.options(selectinload(CartItem.product).selectinload(Product.translations),
                        selectinload(CartItem.product).selectinload(Product.category))


# ---- reading ----------------------------------------------------------------------------

def cart_lines(ctx: BuyerContext) -> list[CartLine]:
    """The buyer's cart, products loaded with their translations (a fixed number of queries)."""
    if ctx.user_id is not None:
        items = db.session.scalars(_with_product_details(
            sa.select(CartItem).join(Product).where(CartItem.user_id == ctx.user_id, Product.active.is_(True))
            .order_by(CartItem.id)))
        return [CartLine(item.product, item.quantity) for item in items]
    lines = ctx.guest_lines
    if not lines:
        return []
    products = {p.sku: p for p in db.session.scalars(catalogue.with_details(
        sa.select(Product).where(Product.sku.in_([sku for sku, _ in lines]), Product.active.is_(True))))}
    return [CartLine(products[sku], quantity) for sku, quantity in lines if sku in products]


def cart_count(ctx: BuyerContext) -> int:
    """How many items (units) the cart holds."""
    if ctx.user_id is not None:
        total = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(CartItem.quantity), 0))
                                  .join(Product).where(CartItem.user_id == ctx.user_id, Product.active.is_(True)))
        return int(total or 0)
    return guest_item_count(ctx.guest_lines)


def guest_item_count(lines: GuestLines) -> int:
    """How many items a guest's cart holds (no database)."""
    return sum(quantity for _, quantity in lines)


def _quantity_in_cart(product: Product, ctx: BuyerContext) -> int:
    if ctx.user_id is not None:
        found = db.session.scalar(sa.select(CartItem.quantity).where(
            CartItem.user_id == ctx.user_id, CartItem.product_id == product.id))
        return int(found or 0)
    return dict(ctx.guest_lines).get(product.sku, 0)


def _check_stock(product: Product, wanted: int, in_cart: int) -> None:
    available = catalogue.stock_available([product.id])[product.id]
    if wanted > available:
        raise NotEnoughStock(max(available, 0), in_cart)


# ---- changing ---------------------------------------------------------------------------

def add_to_cart(ctx: BuyerContext, sku: str, quantity: int) -> CartChange:
    """Put `quantity` more of the product into the cart; its line as it now stands."""
    quantity = _checked(quantity)
    product = _product_by_sku(sku)
    in_cart = _quantity_in_cart(product, ctx)
    wanted = in_cart + quantity
    if wanted > MAX_QUANTITY:
        raise QuantityLimit(MAX_QUANTITY - in_cart)
    _check_stock(product, wanted, in_cart)
    return _store(ctx, product, wanted)


def set_quantity(ctx: BuyerContext, sku: str, quantity: int) -> CartChange:
    """Change how many of a product the cart holds (1 to 99; `remove` takes it out)."""
    quantity = _checked(quantity)
    product = _product_by_sku(sku)
    if _quantity_in_cart(product, ctx) == 0:
        raise UnknownProduct(sku)
    _check_stock(product, quantity, 0)  # the new quantity replaces what the cart holds
    return _store(ctx, product, quantity)


def remove(ctx: BuyerContext, sku: str) -> CartChange:
    """Take a product out of the cart (`changed` is False when it was not there)."""
    sku = (sku or "").strip()
    if ctx.user_id is not None:
        product_id = db.session.scalar(sa.select(Product.id).where(Product.sku == sku)) if sku else None
        if product_id is None:
            return CartChange(None, None, False)
        with write_transaction() as s:
            deleted = s.execute(sa.delete(CartItem).where(
                CartItem.user_id == ctx.user_id, CartItem.product_id == product_id)).rowcount
        return CartChange(None, None, bool(deleted))
    kept = tuple((s, q) for s, q in ctx.guest_lines if s != sku)
    return CartChange(None, kept, len(kept) != len(ctx.guest_lines))


def clear_cart(ctx: BuyerContext) -> CartChange:
    """Empty the cart (after an order is placed, for instance)."""
    if ctx.user_id is not None:
        with write_transaction() as s:
            s.execute(sa.delete(CartItem).where(CartItem.user_id == ctx.user_id))
    return CartChange(None, ())


def merge_guest_cart(user_id: int, lines: GuestLines) -> int:
    """Move a guest's cart lines into `user_id`'s cart (at sign-in; the caller then forgets them).

    Quantities add up, capped at 99 and at the stock available; products no longer on sale
    are dropped. Returns how many lines were merged."""
    if not lines:
        return 0
    products = {p.sku: p for p in db.session.scalars(
        sa.select(Product).where(Product.sku.in_([sku for sku, _ in lines]), Product.active.is_(True)))}
    stock = catalogue.stock_available(p.id for p in products.values())
    merged = 0
    for attempt in range(2):  # a concurrent sign-in may insert the same line first: redo once
        try:
            with write_transaction() as s:
                existing = {item.product_id: item for item in s.scalars(
                    sa.select(CartItem).where(CartItem.user_id == user_id))}
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
                        s.add(CartItem(user_id=user_id, product_id=product.id, quantity=total))
                    else:
                        item.quantity = total
                    merged += 1
            break
        except IntegrityError:
            if attempt:
                raise
    return merged


def _store(ctx: BuyerContext, product: Product, quantity: int) -> CartChange:
    line = CartLine(product, quantity)
    if ctx.user_id is None:
        lines = list(ctx.guest_lines)
        if product.sku in dict(lines):
            lines = [(s, quantity if s == product.sku else q) for s, q in lines]
        elif len(lines) >= MAX_LINES:
            raise CartFull(f"at most {MAX_LINES} different products")
        else:
            lines.append((product.sku, quantity))
        return CartChange(line, tuple(lines))
    for attempt in range(2):
        try:
            with write_transaction() as s:
                item = s.scalar(sa.select(CartItem).where(
                    CartItem.user_id == ctx.user_id, CartItem.product_id == product.id))
                if item is None:
                    if s.scalar(sa.select(sa.func.count()).where(CartItem.user_id == ctx.user_id)) >= MAX_LINES:
                        raise CartFull(f"at most {MAX_LINES} different products")
                    s.add(CartItem(user_id=ctx.user_id, product_id=product.id, quantity=quantity))
                else:
                    item.quantity = quantity
            return CartChange(line)
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")  # the loop returns or raises
