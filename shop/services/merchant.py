"""The merchant's own back office: their listings, bonded lots and ledger, the orders that carry
their goods, and the API tokens they create. Every query is scoped to one merchant; every change
is one transaction with an audit row."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from shop.database import aware, write_transaction
from shop.domain import variants as variant_rules
from shop.domain.messages import Message
from shop.extensions import db
from shop.models import (
    LOT_STATUSES,
    Allocation,
    ApiToken,
    AuditLog,
    Category,
    ExpressLine,
    Lot,
    Order,
    OrderLine,
    Payment,
    Product,
    ProductTranslation,
    Shipment,
    StockMove,
    User,
    utcnow,
)
from shop.services import catalogue, listings, locking, order_desk, variants
from shop.services.audit import audit
from shop.services.listings import ListingDraft, LotDraft, Slugs

LOW_STOCK = 10
EXPIRY_WARNING_DAYS = 30
TOKEN_PREFIX = "kbz_"
TOKEN_TOUCH_EVERY = dt.timedelta(minutes=1)
ORDER_STATUSES_OPEN = ("pending_payment", "confirmed", "paid", "picking", "packed")


class MerchantError(Exception):
    """A change the rules refuse; nothing was saved. `field` names the input at fault."""

    code = "merchant_error"
    field: str | None = None


class SkuTaken(MerchantError):
    """The SKU is another merchant's (or, when creating in the portal, already one of yours)."""

    code = "sku_taken"
    field = "sku"

    def __init__(self, sku: str, *, yours: bool) -> None:
        super().__init__(sku)
        self.sku, self.yours = sku, yours


class LotNumberTaken(MerchantError):
    code = "lot_number_taken"
    field = "lot_number"


class BelowReserved(MerchantError):
    """An adjustment would leave less on hand than orders have reserved."""

    code = "below_reserved"
    field = "change"

    def __init__(self, reserved: int, on_hand: int) -> None:
        super().__init__(reserved)
        self.reserved, self.on_hand = reserved, on_hand


class VariantRefused(MerchantError):
    """The listing's group refused it as a variant: `field` and `message` say why."""

    def __init__(self, field: str, message: Message) -> None:
        super().__init__(field)
        self.field: str = field
        self.message = message


class NotFound(MerchantError):
    code = "not_found"


# ---- reading --------------------------------------------------------------------------------

@dataclass
class Dashboard:
    listings: int
    active: int
    lots: int
    units_on_hand: int
    open_orders: int
    low_stock: list[tuple[Product, int]]
    expiring: list[Lot]
    recent_orders: list[tuple[Order, list[OrderLine]]]


def _own_products(merchant_id: int) -> sa.Select[Product]:
    return sa.select(Product).where(Product.merchant_id == merchant_id)


def _orders_with_goods_of(merchant_id: int) -> sa.Select[int]:
    """Ids of orders holding at least one line of the merchant's products."""
    return (sa.select(OrderLine.order_id).join(Product, Product.id == OrderLine.product_id)
            .where(Product.merchant_id == merchant_id))


def dashboard(merchant_id: int, today: dt.date | None = None) -> Dashboard:
    """The portal's front page: counts, listings running low, lots expiring, recent orders."""
    today = today or listings.today()
    count = db.session.execute(sa.select(
        sa.func.count(Product.id), sa.func.count(Product.id).filter(Product.active.is_(True)))
        .where(Product.merchant_id == merchant_id)).one()
    lot_count, units = db.session.execute(
        sa.select(sa.func.count(Lot.id), sa.func.coalesce(sa.func.sum(Lot.on_hand), 0))
        .join(Product, Product.id == Lot.product_id).where(Product.merchant_id == merchant_id)).one()
    open_orders = db.session.scalar(sa.select(sa.func.count(Order.id)).where(
        Order.id.in_(_orders_with_goods_of(merchant_id)), Order.status.in_(ORDER_STATUSES_OPEN))) or 0

    stock = catalogue.stock_available_subquery()
    available = sa.func.coalesce(stock.c.available, 0)
    low = db.session.execute(
        sa.select(Product, available).outerjoin(stock, stock.c.product_id == Product.id)
        .where(Product.merchant_id == merchant_id, Product.active.is_(True), available < LOW_STOCK)
        .order_by(available, Product.sku).limit(20).options(selectinload(Product.translations))).all()
    expiring = list(db.session.scalars(
        sa.select(Lot).join(Product, Product.id == Lot.product_id)
        .where(Product.merchant_id == merchant_id, Lot.on_hand > 0, Lot.expiry.is_not(None),
               Lot.expiry <= today + dt.timedelta(days=EXPIRY_WARNING_DAYS))
        .order_by(Lot.expiry, Lot.id).limit(20)
        .options(selectinload(Lot.product).selectinload(Product.translations))))
    recent, _total = orders(merchant_id, page=1, per_page=8)
    return Dashboard(listings=int(count[0]), active=int(count[1]), lots=int(lot_count), units_on_hand=int(units),
                     open_orders=int(open_orders), low_stock=[(p, int(a)) for p, a in low], expiring=expiring,
                     recent_orders=recent)


def listing_page(merchant_id: int, q: str = "", page: int = 1, per_page: int = 25) -> catalogue.Listing:
    """The merchant's listings, active or not, newest first; `q` matches SKU or a name in any language."""
    stmt = _own_products(merchant_id)
    q = (q or "").strip()[:100]
    if q:
        like = f"%{_escape_like(q.casefold())}%"
        names = sa.select(ProductTranslation.product_id).where(
            sa.func.lower(ProductTranslation.name).like(like, escape="\\"))
        stmt = stmt.where(sa.or_(sa.func.lower(Product.sku).like(like, escape="\\"), Product.id.in_(names)))
    result = catalogue.paginate(stmt, page, per_page, order_by=[Product.created_at.desc(), Product.id.desc()])
    return catalogue.Listing(result, catalogue.stock_available(p.id for p in result.items))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def get_listing(merchant_id: int, sku: str) -> Product | None:
    """One of the merchant's listings with its texts, category and lots; None for anyone else's."""
    return db.session.scalar(catalogue.with_details(
        _own_products(merchant_id).where(Product.sku == sku)).options(selectinload(Product.lots)))


def get_lot(merchant_id: int, lot_id: int) -> Lot | None:
    """One of the merchant's lots; None for anyone else's."""
    return db.session.scalar(
        sa.select(Lot).join(Product, Product.id == Lot.product_id)
        .where(Lot.id == lot_id, Product.merchant_id == merchant_id)
        .options(selectinload(Lot.product).selectinload(Product.translations)))


@dataclass
class LedgerRow:
    move: StockMove
    on_hand: int
    reserved: int
    who: str | None
    order_number: str | None


def ledger(lot: Lot) -> list[LedgerRow]:
    """The lot's stock moves, oldest first, with the running on-hand and reserved after each."""
    rows = db.session.execute(
        sa.select(StockMove, User.email, Order.number)
        .outerjoin(User, User.id == StockMove.user_id).outerjoin(Order, Order.id == StockMove.order_id)
        .where(StockMove.lot_id == lot.id).order_by(StockMove.id)).all()
    on_hand = reserved = 0
    result = []
    for move, email, number in rows:
        on_hand += move.on_hand_delta
        reserved += move.reserved_delta
        result.append(LedgerRow(move, on_hand, reserved, email, number))
    return result


def ledger_totals(lot_id: int) -> tuple[int, int]:
    """On hand and reserved as the ledger sums them."""
    on_hand, reserved = db.session.execute(sa.select(
        sa.func.coalesce(sa.func.sum(StockMove.on_hand_delta), 0),
        sa.func.coalesce(sa.func.sum(StockMove.reserved_delta), 0)).where(StockMove.lot_id == lot_id)).one()
    return int(on_hand), int(reserved)


def lot_history(lot: Lot, limit: int = 50) -> Sequence[sa.Row[AuditLog, str | None]]:
    """Audit rows about the lot (status changes, moves), newest first, with who made them."""
    return db.session.execute(
        sa.select(AuditLog, User.email).outerjoin(User, User.id == AuditLog.user_id)
        .where(AuditLog.entity == "lot", AuditLog.entity_id == lot.lot_number)
        .order_by(AuditLog.id.desc()).limit(limit)).all()


def orders(merchant_id: int, page: int = 1, per_page: int = 20, status: str | None = None
           ) -> tuple[list[tuple[Order, list[OrderLine]]], int]:
    """Orders that hold the merchant's goods, newest first, each with only the merchant's lines."""
    stmt = sa.select(Order).where(Order.id.in_(_orders_with_goods_of(merchant_id)))
    if status:
        stmt = stmt.where(Order.status == status)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    page = max(1, page)
    found = list(db.session.scalars(stmt.order_by(Order.placed_at.desc(), Order.id.desc())
                                    .limit(per_page).offset((page - 1) * per_page)))
    return _with_own_lines(merchant_id, found), total


@dataclass
class OrderPage:
    """One page of the merchant's orders that pass the desk's filters, each with only its own lines."""

    orders: list[tuple[Order, list[OrderLine]]]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def orders_matching(merchant_id: int, filters: order_desk.OrderFilters, sort: str = order_desk.DEFAULT_SORT,
                    page: int = 1, per_page: int = 25) -> OrderPage:
    """The order desk's filters, search and sorts over the orders holding the merchant's goods."""
    where = order_desk.where_clauses(filters, merchant_id=merchant_id)
    total = db.session.scalar(sa.select(sa.func.count(Order.id)).where(*where)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    found = list(db.session.scalars(sa.select(Order).where(*where).order_by(*order_desk.order_by(sort))
                                    .limit(per_page).offset((page - 1) * per_page)))
    return OrderPage(_with_own_lines(merchant_id, found), total, page, per_page)


ORDER_EXPORT_COLUMNS = ("number", "placed_at", "status", "payment_status", "ship_country", "lines", "lines_value_cny",
                        "express_lines", "waybills")
_EXPORT_BATCH = 500


def order_export_rows(merchant_id: int, filters: order_desk.OrderFilters,
                      sort: str = order_desk.DEFAULT_SORT) -> Iterator[tuple[object, ...]]:
    """The merchant's filtered orders as rows in ORDER_EXPORT_COLUMNS order, read in batches: only its own
    lines and their value, and no buyer's contact details."""
    query = (sa.select(Order.id, Order.number, Order.placed_at, Order.status, Order.ship_country)
             .where(*order_desk.where_clauses(filters, merchant_id=merchant_id))
             .order_by(*order_desk.order_by(sort)).execution_options(yield_per=_EXPORT_BATCH))
    for batch in db.session.execute(query).partitions():
        ids = [row.id for row in batch]
        lines: dict[int, list[str]] = {}
        value: dict[int, Decimal] = {}
        shipment_ids: dict[int, set[int]] = {}
        for order_id, sku, quantity, price, shipment_id in db.session.execute(
                sa.select(OrderLine.order_id, OrderLine.sku, OrderLine.quantity, OrderLine.unit_price_cny,
                          OrderLine.shipment_id)
                .join(Product, Product.id == OrderLine.product_id)
                .where(OrderLine.order_id.in_(ids), Product.merchant_id == merchant_id).order_by(OrderLine.id)):
            lines.setdefault(order_id, []).append(f"{sku} x{quantity}")
            value[order_id] = value.get(order_id, Decimal("0.00")) + price * quantity
            if shipment_id is not None:
                shipment_ids.setdefault(order_id, set()).add(shipment_id)
        travels: dict[int, list[tuple[str, str]]] = {}
        wanted = set().union(*shipment_ids.values()) if shipment_ids else set()
        for order_id, code, waybill in db.session.execute(
                sa.select(Shipment.order_id, ExpressLine.code, Shipment.waybill)
                .join(ExpressLine, ExpressLine.id == Shipment.line_id)
                .where(Shipment.id.in_(wanted)).order_by(Shipment.id)):
            travels.setdefault(order_id, []).append((code, waybill or ""))
        paid: dict[int, str] = {}
        for order_id, status in db.session.execute(
                sa.select(Payment.order_id, Payment.status).where(Payment.order_id.in_(ids)).order_by(Payment.id)):
            paid[order_id] = status
        for row in batch:
            shipped = travels.get(row.id, [])
            yield (row.number, aware(row.placed_at), row.status, paid.get(row.id, ""), row.ship_country,
                   lines.get(row.id, []), value.get(row.id, Decimal("0.00")), [code for code, _ in shipped],
                   [waybill for _, waybill in shipped if waybill])


def order_of(merchant_id: int, number: str) -> tuple[Order, list[OrderLine]] | None:
    """One order holding the merchant's goods, with only their lines; None otherwise."""
    order = db.session.scalar(sa.select(Order).where(Order.number == number,
                                                     Order.id.in_(_orders_with_goods_of(merchant_id))))
    if order is None:
        return None
    return _with_own_lines(merchant_id, [order])[0]


def _with_own_lines(merchant_id: int, found: list[Order]) -> list[tuple[Order, list[OrderLine]]]:
    if not found:
        return []
    lines = db.session.scalars(
        sa.select(OrderLine).join(Product, Product.id == OrderLine.product_id)
        .where(OrderLine.order_id.in_([o.id for o in found]), Product.merchant_id == merchant_id)
        .order_by(OrderLine.id)
        .options(selectinload(OrderLine.shipment).selectinload(Shipment.line),
                 selectinload(OrderLine.allocations).selectinload(Allocation.lot))).all()
    by_order: dict[int, list[OrderLine]] = {}
    for line in lines:
        by_order.setdefault(line.order_id, []).append(line)
    return [(order, by_order.get(order.id, [])) for order in found]


# ---- listings -------------------------------------------------------------------------------

def _category(slug: str) -> Category:
    category: Category | None = catalogue.category_tree().by_slug.get(slug)
    if category is None:
        raise NotFound(slug)
    return category


def save_listing(merchant_id: int, draft: ListingDraft, user_id: int | None, *, create: bool,
                 via: str = "portal") -> tuple[Product, bool, bool]:
    """Create (create=True: the SKU must be new) or create-or-update a listing.

    Answers (product, created, changed). Raises SkuTaken for another merchant's SKU (or, with
    create=True, for a SKU the merchant already has)."""
    category = _category(draft.category)
    try:
        with write_transaction():
            with_names = (selectinload(Product.translations), selectinload(Product.category))
            existing = next(iter(locking.lock_products(Product.sku == draft.sku, options=with_names)), None)
            if existing is not None and (existing.merchant_id != merchant_id or create):
                raise SkuTaken(draft.sku, yours=existing.merchant_id == merchant_id)
            try:
                product, changes = listings.apply_listing(existing, merchant_id, draft, category, Slugs())
            except variant_rules.VariantRule as rule:
                raise VariantRefused(*variants.refusal(rule, draft.variant.code if draft.variant else "")) from None
            if changes:
                audit(user_id, "listing.create" if existing is None else "listing.update", "product", draft.sku,
                      {"via": via, **changes})
                listings.reindex([product])
    except IntegrityError:
        # Someone took the SKU between our look and our write.
        raise SkuTaken(draft.sku, yours=False) from None
    return product, existing is None, bool(changes)


# ---- lots -----------------------------------------------------------------------------------

def receive_lot(merchant_id: int, sku: str, draft: LotDraft, user_id: int | None, via: str = "portal") -> Lot:
    """A new bonded lot of one of the merchant's listings, with its intake row in the ledger."""
    try:
        with write_transaction():
            product = db.session.scalar(_own_products(merchant_id).where(Product.sku == sku))
            if product is None:
                raise NotFound(sku)
            if db.session.scalar(sa.select(Lot.id).where(Lot.lot_number == draft.lot_number)) is not None:
                raise LotNumberTaken(draft.lot_number)
            lot = listings.receive_into(product, draft, user_id, via)
    except IntegrityError:
        raise LotNumberTaken(draft.lot_number) from None
    return lot


def _lock_own_lot(merchant_id: int, lot_id: int) -> Lot:
    lot = next(iter(locking.lock_lots(Lot.id == lot_id, Lot.product_id.in_(
        sa.select(Product.id).where(Product.merchant_id == merchant_id)))), None)
    if lot is None:
        raise NotFound(lot_id)
    return lot


def adjust_lot(merchant_id: int, lot_id: int, change: int, reason: str, user_id: int | None) -> Lot:
    """Count a lot up or down (breakage, recount) with a reason; never below what is reserved."""
    if change == 0:
        raise ValueError("an adjustment changes the quantity")
    with write_transaction():
        lot = _lock_own_lot(merchant_id, lot_id)
        if lot.on_hand + change < lot.reserved:
            raise BelowReserved(lot.reserved, lot.on_hand)
        before = lot.on_hand
        lot.on_hand += change
        db.session.add(StockMove(lot_id=lot.id, kind="adjust", on_hand_delta=change, user_id=user_id,
                                 note=reason[:200]))
        audit(user_id, "lot.adjust", "lot", lot.lot_number, {"on_hand": [before, lot.on_hand], "reason": reason})
    return lot


def set_customs_status(merchant_id: int, lot_id: int, status: str, user_id: int | None,
                       note: str = "") -> bool:
    """Mark a lot bonded, released or quarantined (quarantined stock is not offered); True if changed."""
    if status not in LOT_STATUSES:
        raise ValueError(f"unknown customs status {status!r}")
    with write_transaction():
        lot = _lock_own_lot(merchant_id, lot_id)
        if lot.customs_status == status:
            return False
        audit(user_id, "lot.customs_status", "lot", lot.lot_number,
              {"customs_status": [lot.customs_status, status], "note": note})
        lot.customs_status = status
    return True


# ---- API tokens -----------------------------------------------------------------------------

def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new bearer token for the user's merchant: answers the row and the secret, shown once."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with write_transaction():
        token = ApiToken(user_id=user.id, merchant_id=user.merchant_id, name=name[:80], token_hash=token_hash(secret))
        db.session.add(token)
        db.session.flush()
        audit(user.id, "api_token.create", "api_token", token.id, {"name": token.name})
    return token, secret


def tokens_of(merchant_id: int) -> Sequence[sa.Row[ApiToken, str]]:
    """The merchant's tokens, newest first, with who made each."""
    return db.session.execute(
        sa.select(ApiToken, User.email).join(User, User.id == ApiToken.user_id)
        .where(ApiToken.merchant_id == merchant_id).order_by(ApiToken.id.desc())).all()


def revoke_token(merchant_id: int, token_id: int, user_id: int) -> bool:
    """Stop a token working; True if it was live."""
    with write_transaction():
        token = db.session.scalar(sa.select(ApiToken).where(
            ApiToken.id == token_id, ApiToken.merchant_id == merchant_id).with_for_update())
        if token is None:
            raise NotFound(token_id)
        if token.revoked:
            return False
        token.revoked = True
        audit(user_id, "api_token.revoke", "api_token", token.id, {"name": token.name})
    return True


def authenticate(secret: str) -> tuple[ApiToken | None, str]:
    """The live token for a bearer secret and 'ok', or (None, 'invalid' | 'revoked')."""
    if not secret or len(secret) > 200:
        return None, "invalid"
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == token_hash(secret))
                              .options(selectinload(ApiToken.user), selectinload(ApiToken.merchant)))
    if token is None:
        return None, "invalid"
    user = token.user
    if token.revoked:
        return None, "revoked"
    if not user.active or user.role != "merchant" or user.merchant_id != token.merchant_id:
        return None, "revoked"
    now = utcnow()
    last = token.last_used_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=dt.UTC)
    if last is None or now - last > TOKEN_TOUCH_EVERY:
        with write_transaction():  # immediate: a read turned write would meet "database is locked"
            db.session.execute(sa.update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
    return token, "ok"


# ---- the merchant API's shapes (CONTRACT.md) ------------------------------------------------

def lot_to_dict(lot: Lot) -> dict[str, Any]:
    """A lot in the merchant API's shape: its stock as the ledger holds it, expiry, bin and customs."""
    return {
        "sku": lot.product.sku, "lot_number": lot.lot_number, "customs_entry": lot.customs_entry,
        "quantity": lot.on_hand, "reserved": lot.reserved, "available": lot.available,
        "expiry": lot.expiry.isoformat() if lot.expiry else None, "bin": lot.bin,
        "customs_status": lot.customs_status, "received_at": lot.received_at.isoformat(),
    }


def order_to_dict(order: Order, lines: list[OrderLine]) -> dict[str, Any]:
    """An order in the merchant API's shape, with only the lines given (the merchant's own), in CNY."""
    def money(amount: Decimal) -> dict[str, str]:
        return {"amount": f"{amount:.2f}", "currency": "CNY"}

    return {
        "number": order.number, "status": order.status, "flow": order.flow,
        "placed_at": order.placed_at.isoformat(),
        "destination": {"country": order.ship_country, "city": order.ship_city},
        "lines": [{
            "sku": line.sku, "name": line.name, "quantity": line.quantity,
            "unit_price": money(line.unit_price_cny), "total": money(line.unit_price_cny * line.quantity),
            "line": line.shipment.line.code if line.shipment is not None else None,
            "lots": [{"lot_number": a.lot.lot_number, "quantity": a.quantity} for a in line.allocations],
        } for line in lines],
    }
