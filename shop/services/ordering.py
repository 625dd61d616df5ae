"""Orders: quote a cart, place it (reserve FEFO stock, book departures, freeze prices) in one
transaction, and move it through its life (pay, expire, cancel, deliver) by the state machine."""
from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from shop.database import aware, is_postgres, write_transaction
from shop.domain import allocation, customs, orders, routing
from shop.domain.money import Money, to_minor_units
from shop.extensions import db
from shop.models import Allocation as AllocationRow
from shop.models import (
    AuditLog,
    CartItem,
    Departure,
    ExchangeRate,
    ExpressLine,
    Lot,
    Order,
    OrderLine,
    Payment,
    Product,
    Shipment,
    StockMove,
    User,
    utcnow,
)
from shop.services import addresses, locking, outbox, ports, quotes

log = logging.getLogger(__name__)

# Statuses in which an import order's goods count against the buyer's annual allowance.
PAID_STATUSES = ("paid", "picking", "packed", "shipped", "delivered")
_NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CENT = Decimal("0.01")


# ---- errors (mapped to translated messages at the web edge) --------------------------------

class OrderingError(Exception):
    """Base of the errors placing or changing an order."""


class EmptyCart(OrderingError):
    pass


class ProductUnavailable(OrderingError):
    def __init__(self, skus: list[str]) -> None:
        super().__init__(", ".join(skus))
        self.skus = skus


class OutOfStock(OrderingError):
    """Some products cannot be reserved; `shortages` maps product name -> (wanted, available)."""

    def __init__(self, shortages: dict[str, tuple[int, int]]) -> None:
        super().__init__(shortages)
        self.shortages = shortages


class UnknownLine(OrderingError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class LineNotAvailable(OrderingError):
    """The chosen line (or split) cannot carry this order to this destination now."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class NoShippingOption(OrderingError):
    pass


class DepartureFull(OrderingError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class ImportLimitExceeded(OrderingError):
    """A cross-border import over the per-order or the annual limit (kind 'order' | 'annual')."""

    def __init__(self, kind: str, value: Decimal, limit: Decimal, remaining: Decimal | None = None) -> None:
        super().__init__(kind, value)
        self.kind, self.value, self.limit, self.remaining = kind, value, limit, remaining


class IdentityRequired(OrderingError):
    pass


class OrderNotFound(OrderingError):
    pass


class CannotCancel(OrderingError):
    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


class CannotDeliver(OrderingError):
    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


# ---- values handed in and out -------------------------------------------------------------

@dataclass(frozen=True)
class ShippingAddress:
    name: str
    phone: str
    country: str
    city: str
    address: str
    postcode: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "phone": self.phone, "country": self.country, "city": self.city,
                "address": self.address, "postcode": self.postcode}


@dataclass(frozen=True)
class PlacedOrder:
    number: str
    status: str
    payment_method: str
    created: bool


@dataclass
class Aftermath:
    """What must happen outside the transaction once an order was cancelled or expired."""

    number: str
    status: str
    refund_payment_ids: list[int] = field(default_factory=list)
    cancel_intents: list[str] = field(default_factory=list)


# ---- quoting ------------------------------------------------------------------------------

def latest_rates() -> dict[str, Decimal]:
    """Units of each currency for one CNY, newest per currency (CNY is 1)."""
    newest = (sa.select(ExchangeRate.currency, sa.func.max(ExchangeRate.as_of).label("as_of"))
              .group_by(ExchangeRate.currency).subquery())
    rows = db.session.execute(sa.select(ExchangeRate.currency, ExchangeRate.rate).join(
        newest, sa.and_(ExchangeRate.currency == newest.c.currency, ExchangeRate.as_of == newest.c.as_of)))
    rates = {currency: Decimal(rate) for currency, rate in rows}
    rates["CNY"] = Decimal(1)
    return rates


def quote_items(pairs: list[tuple[Product, int]], country: str, city: str,
                now: dt.datetime | None = None) -> routing.Quote:
    """The shipping options for these products to this destination, departures' bookings included
    (the routing adapter's quote, with the city as the buyer typed it in any script)."""
    city = addresses.routing_city(city)
    try:
        return quotes.quote_products(pairs, country, city, now)
    except routing.MissingExchangeRate as missing:
        log.warning("no exchange rate for %s: duties left out of the quote", missing.currency)
        return quotes.quote_products(pairs, country, city, now, with_duty=False)


def option_value(option: routing.Option) -> str:
    """The form value naming an option: its line code, or codes joined by '+' for a split."""
    return "+".join(shipment.line for shipment in option.shipments)


def choose_option(quote: routing.Quote, choice: str, known_codes: set[str]) -> routing.Option:
    """The option `choice` names ('auto' = the recommended one), or UnknownLine / LineNotAvailable."""
    choice = (choice or "auto").strip()
    if choice == "auto":
        if not quote.options:
            raise NoShippingOption()
        return quote.options[0]
    codes = choice.split("+")
    for code in codes:
        if code not in known_codes:
            raise UnknownLine(code)
    for option in quote.options:
        if option_value(option) == choice:
            return option
    raise LineNotAvailable(choice)


def line_codes() -> set[str]:
    return set(db.session.scalars(sa.select(ExpressLine.code)))


# ---- placing ------------------------------------------------------------------------------

def _new_number(now: dt.datetime) -> str:
    day = now.astimezone(routing.SHANGHAI).strftime("%y%m%d")
    return f"KS{day}-" + "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(5))


def find_by_key(key: str) -> Order | None:
    """The order a checkout form with this idempotency key placed, if any."""
    return db.session.scalar(sa.select(Order).where(Order.idempotency_key == key))


def paid_import_value(id_number: str, now: dt.datetime) -> Decimal:
    """Goods value of this ID's paid import orders this calendar year (China time)."""
    local = now.astimezone(routing.SHANGHAI)
    start = dt.datetime(local.year, 1, 1, tzinfo=routing.SHANGHAI).astimezone(dt.UTC)
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Order.goods_cny), 0)).where(
            Order.id_number == id_number, Order.flow == "import", Order.status.in_(PAID_STATUSES),
            Order.paid_at >= start))
    return Decimal(total or 0)


def check_import_allowance(goods_cny: Decimal, id_number: str, now: dt.datetime) -> None:
    """Raise ImportLimitExceeded when a cross-border import breaks the 5,000 / 26,000 CNY limits."""
    paid = paid_import_value(id_number, now) if id_number else Decimal(0)
    try:
        customs.check_import_limits(goods_cny, paid)
    except customs.OrderLimitExceeded as error:
        raise ImportLimitExceeded("order", error.order_value, error.limit) from None
    except customs.AnnualLimitExceeded as error:
        raise ImportLimitExceeded("annual", error.order_value, error.limit, error.remaining) from None


@dataclass(frozen=True)
class _Goods:
    """What an order needs of a product, read before the write lock is taken."""

    id: int
    sku: str
    name: str
    price_cny: Decimal
    weight_g: int
    length_mm: int
    width_mm: int
    height_mm: int


@dataclass(frozen=True)
class _Plan:
    """Everything decided before the write transaction: goods, the option, taxes, the rate."""

    goods: list[tuple[_Goods, int]]
    option: routing.Option
    flow: str
    id_name: str | None
    id_number: str | None
    goods_cny: Decimal
    currency: str
    rate: Decimal
    lines: dict[str, tuple[int, Decimal, Decimal]]  # code -> (id, capacity kg, capacity m3)


def _load(items: list[tuple[int, int]], lang: str) -> tuple[list[tuple[Product, int]], list[tuple[_Goods, int]]]:
    wanted: dict[int, int] = defaultdict(int)
    for product_id, quantity in items:
        wanted[int(product_id)] += int(quantity)
    if not wanted:
        raise EmptyCart()
    products = {p.id: p for p in db.session.scalars(
        sa.select(Product).where(Product.id.in_(wanted)).options(selectinload(Product.translations)))}
    missing = [products[i].sku if i in products else str(i) for i in wanted
               if i not in products or not products[i].active]
    if missing:
        raise ProductUnavailable(missing)
    pairs = [(products[i], q) for i, q in sorted(wanted.items())]
    goods = [(_Goods(p.id, p.sku, _name(p, lang)[:200], Decimal(p.price_cny), p.weight_g, p.length_mm, p.width_mm,
                     p.height_mm), q) for p, q in pairs]
    return pairs, goods


def _plan(*, lang, items, address, line, currency, id_name, id_number, now) -> _Plan:
    """Read and decide what needs no lock; raises the errors a buyer can fix in the form."""
    pairs, goods = _load(items, lang)
    country = address.country.upper()
    flow = "import" if country == "CN" else "export"
    quote = quote_items(pairs, country, address.city, now)
    option = choose_option(quote, line, line_codes())
    goods_cny = sum((g.price_cny * q for g, q in goods), Decimal(0)).quantize(CENT)
    if flow == "import":
        if not (id_name and id_number):
            raise IdentityRequired()
        check_import_allowance(goods_cny, id_number, now)
    else:
        id_name = id_number = None
    rates = latest_rates()
    if currency not in rates:
        currency = "CNY"
    lines = {code: (line_id, Decimal(kg), Decimal(m3)) for line_id, code, kg, m3 in db.session.execute(
        sa.select(ExpressLine.id, ExpressLine.code, ExpressLine.capacity_kg, ExpressLine.capacity_m3)
        .where(ExpressLine.code.in_([s.line for s in option.shipments])))}
    return _Plan(goods, option, flow, id_name, id_number, goods_cny, currency, rates[currency], lines)


def _departure_id(line_id: int, departs_at: dt.datetime) -> int:
    """The departure row's id, the row created on first booking (unique line and time)."""
    departs_at = departs_at.astimezone(dt.UTC)
    if is_postgres():
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(Departure).values(
        line_id=line_id, departs_at=departs_at, booked_kg=Decimal(0), booked_m3=Decimal(0), status="scheduled",
    ).on_conflict_do_nothing(index_elements=["line_id", "departs_at"]))
    return db.session.scalar(
        sa.select(Departure.id).where(Departure.line_id == line_id, Departure.departs_at == departs_at))


def _book(loads: dict[int, tuple[str, Decimal, Decimal, Decimal, Decimal]]) -> None:
    """Book weight and volume on departures {id: (line code, kg, m3, capacity kg, capacity m3)}.

    Last in the transaction: every order books the same few departures, so their row locks
    are held only from here to the commit."""
    rows = locking.lock_departures(Departure.id.in_(loads))
    for departure in rows:
        code, kg, m3, capacity_kg, capacity_m3 = loads[departure.id]
        # The quote read the bookings before the lock; the locked row has the last word.
        if Decimal(departure.booked_kg) + kg > capacity_kg or Decimal(departure.booked_m3) + m3 > capacity_m3:
            raise DepartureFull(code)
        departure.booked_kg = Decimal(departure.booked_kg) + kg
        departure.booked_m3 = Decimal(departure.booked_m3) + m3


def _load_of(pairs) -> tuple[Decimal, Decimal]:
    """Actual weight (kg) and volume (m3) of (product or _Goods, quantity) pairs, rounded up to the
    columns' precision."""
    grams = sum(p.weight_g * q for p, q in pairs)
    mm3 = sum(p.length_mm * p.width_mm * p.height_mm * q for p, q in pairs)
    kg = (Decimal(grams) / 1000).quantize(Decimal("0.001"), rounding=ROUND_UP)
    m3 = (Decimal(mm3) / 1_000_000_000).quantize(Decimal("0.0001"), rounding=ROUND_UP)
    return kg, m3


def _shanghai_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(routing.SHANGHAI).date()


def place_order(*, user_id: int | None, email: str, lang: str, items: list[tuple[int, int]],
                address: ShippingAddress, line: str, payment_method: str, currency: str, idempotency_key: str,
                id_name: str | None = None, id_number: str | None = None,
                now: dt.datetime | None = None) -> PlacedOrder:
    """Place an order in one transaction; the same idempotency key always gives the same order.

    Raises EmptyCart, ProductUnavailable, OutOfStock, UnknownLine, LineNotAvailable,
    NoShippingOption, DepartureFull, IdentityRequired or ImportLimitExceeded; nothing is kept then.
    """
    now = now or utcnow()
    existing = find_by_key(idempotency_key)
    if existing is None:
        # Quoting and checking take no lock; the transaction only reserves and writes.
        plan = _plan(lang=lang, items=items, address=address, line=line, currency=currency, id_name=id_name,
                     id_number=id_number, now=now)
    try:
        with write_transaction():
            existing = existing or find_by_key(idempotency_key)
            if existing is not None:
                return PlacedOrder(existing.number, existing.status, existing.payment_method, False)
            order = _place(plan, user_id=user_id, email=email, lang=lang, address=address,
                           payment_method=payment_method, idempotency_key=idempotency_key, now=now)
            placed = PlacedOrder(order.number, order.status, order.payment_method, True)
    except IntegrityError:
        # Another request with the same key won the race (PostgreSQL): answer with its order.
        db.session.rollback()
        existing = find_by_key(idempotency_key)
        if existing is None:
            raise
        return PlacedOrder(existing.number, existing.status, existing.payment_method, False)
    return placed


def _place(plan: _Plan, *, user_id, email, lang, address, payment_method, idempotency_key, now) -> Order:
    """Inside the write transaction: reserve FEFO stock, book the departures, write the order."""
    product_ids = [g.id for g, _ in plan.goods]
    # Lots, then departures (see shop/services/locking.py): concurrent orders queue, never deadlock.
    lots = locking.lock_lots(Lot.product_id.in_(product_ids))
    option = plan.option
    settings = ports.settings()
    margin = dt.timedelta(days=settings.expiry_margin_days)
    by_sku = {g.sku: g for g, _ in plan.goods}
    sku_of = {g.id: g.sku for g, _ in plan.goods}
    lot_stock = [allocation.LotStock(lot.id, sku_of[lot.product_id], max(lot.available, 0), lot.expiry, lot.bin,
                                     lot.customs_status) for lot in lots]
    try:
        taken = allocation.allocate([allocation.OrderLine(g.sku, q) for g, q in plan.goods], lot_stock,
                                    usable_after=option.delivery_latest + margin)
    except allocation.InsufficientStock as short:
        raise OutOfStock({by_sku[sku].name: (s.wanted, s.available) for sku, s in short.shortages.items()}) from None

    shipping_cny = Decimal(option.cost).quantize(CENT)
    tax_cny = Decimal(option.taxes).quantize(CENT)
    order = Order(
        number=_new_number(now), user_id=user_id, email=email, lang=lang, flow=plan.flow,
        status=orders.initial_status(cash_on_delivery=payment_method == "cod").value,
        payment_method=payment_method, currency=plan.currency, exchange_rate=plan.rate,
        goods_cny=plan.goods_cny, shipping_cny=shipping_cny, tax_cny=tax_cny,
        total_cny=plan.goods_cny + shipping_cny + tax_cny,
        ship_name=address.name, ship_phone=address.phone, ship_country=address.country.upper(),
        ship_city=address.city, ship_address=address.address, ship_postcode=address.postcode,
        ship_address_latin=addresses.latin_block(address.as_dict()),
        id_name=plan.id_name, id_number=plan.id_number, idempotency_key=idempotency_key,
        payment_deadline=(now + dt.timedelta(minutes=settings.payment_deadline_minutes)
                          if payment_method == "stripe" else None),
        placed_at=now,
    )
    db.session.add(order)

    shipment_of_sku: dict[str, Shipment] = {}
    loads: dict[int, tuple[str, Decimal, Decimal, Decimal, Decimal]] = {}
    for planned in option.shipments:
        line_id, capacity_kg, capacity_m3 = plan.lines[planned.line]
        departure_id = _departure_id(line_id, planned.departure)
        kg, m3 = _load_of([(by_sku[sku], q) for sku, q in planned.items])
        before = loads.get(departure_id, (planned.line, Decimal(0), Decimal(0), capacity_kg, capacity_m3))
        loads[departure_id] = (planned.line, before[1] + kg, before[2] + m3, capacity_kg, capacity_m3)
        shipment = Shipment(line_id=line_id, departure_id=departure_id,
                            chargeable_weight_g=planned.chargeable_weight_g, cost_cny=Decimal(planned.cost),
                            delivery_earliest=planned.delivery_earliest, delivery_latest=planned.delivery_latest)
        order.shipments.append(shipment)
        for sku, _ in planned.items:
            shipment_of_sku[sku] = shipment

    lots_by_id = {lot.id: lot for lot in lots}
    order_lines = {}
    for goods, quantity in plan.goods:
        order_line = OrderLine(product_id=goods.id, sku=goods.sku, name=goods.name, quantity=quantity,
                               unit_price_cny=goods.price_cny)
        order.lines.append(order_line)
        order_line.shipment = shipment_of_sku.get(goods.sku)
        order_lines[goods.sku] = order_line
    db.session.flush()
    for taken_lot in taken:
        lot = lots_by_id[taken_lot.lot_id]
        lot.reserved += taken_lot.quantity
        order_lines[taken_lot.sku].allocations.append(AllocationRow(lot_id=lot.id, quantity=taken_lot.quantity))
        db.session.add(StockMove(lot_id=lot.id, kind="reserve", reserved_delta=taken_lot.quantity,
                                 order_id=order.id, user_id=user_id, note=order.number))

    if user_id is not None:
        addresses.remember_address(user_id, address.as_dict())
        # The cart becomes the order in the same transaction: no moment with both, and a
        # buyer whose order fails keeps the cart.
        db.session.execute(sa.delete(CartItem).where(CartItem.user_id == user_id,
                                                     CartItem.product_id.in_(product_ids)))
    outbox.enqueue(email, "order_placed", lang, order=outbox.order_params(order, lang),
                   minutes=settings.payment_deadline_minutes, link=outbox.order_link(order, lang))
    db.session.flush()
    _book(loads)
    return order


def _name(product: Product, lang: str) -> str:
    text = product.text(lang)
    return text.name if text else product.sku


# ---- the order's life ---------------------------------------------------------------------

def lock_order(number: str) -> Order:
    """The order row, locked for the rest of the transaction (OrderNotFound if none)."""
    order = next(iter(locking.lock_orders(Order.number == number)), None)
    if order is None:
        raise OrderNotFound(number)
    return order


def _release_stock(order: Order, user_id: int | None, note: str) -> None:
    """Give back what the order still holds, lot by lot, as 'release' rows in the ledger."""
    held = dict(db.session.execute(
        sa.select(StockMove.lot_id, sa.func.sum(StockMove.reserved_delta))
        .where(StockMove.order_id == order.id).group_by(StockMove.lot_id)).all())
    held = {lot_id: int(amount) for lot_id, amount in held.items() if amount and int(amount) > 0}
    if held:
        lots = locking.lock_lots(Lot.id.in_(held))
        for lot in lots:
            amount = min(held[lot.id], lot.reserved)
            if amount <= 0:
                continue
            lot.reserved -= amount
            db.session.add(StockMove(lot_id=lot.id, kind="release", reserved_delta=-amount, order_id=order.id,
                                     user_id=user_id, note=note))
    departures = {d.id: d for d in locking.lock_departures(
        Departure.id.in_({s.departure_id for s in order.shipments if s.departure_id is not None}))}
    for shipment in order.shipments:
        if shipment.departure is None:
            continue
        departure = departures[shipment.departure_id]
        kg, m3 = _load_of([(line.product, line.quantity) for line in shipment.lines])
        departure.booked_kg = max(Decimal(departure.booked_kg) - kg, Decimal(0))
        departure.booked_m3 = max(Decimal(departure.booked_m3) - m3, Decimal(0))
        shipment.status = "cancelled"


def mark_paid(order: Order, now: dt.datetime) -> bool:
    """Record the payment of a pending order (inside the caller's transaction); False if it was not pending."""
    if order.status != orders.OrderStatus.PENDING_PAYMENT.value:
        return False
    orders.apply_event(order, orders.OrderEvent.PAY)
    order.paid_at = now
    outbox.enqueue(order.email, "payment_received", order.lang,
                   order=outbox.order_params(order, order.lang, shipments=True), link=outbox.order_link(order))
    return True


def _expire(order: Order, now: dt.datetime) -> Aftermath:
    orders.apply_event(order, orders.OrderEvent.EXPIRE)
    order.cancelled_at = now
    _release_stock(order, None, "payment deadline passed")
    aftermath = Aftermath(order.number, order.status)
    for payment in order.payments:
        if payment.provider == "stripe" and payment.status not in ("succeeded", "refunded", "refund_pending",
                                                                   "refund_failed"):
            payment.status = "canceled"
            aftermath.cancel_intents.append(payment.provider_ref)
    outbox.enqueue(order.email, "order_expired", order.lang, order=outbox.order_params(order, order.lang),
                   link=outbox.order_link(order))
    return aftermath


def _overdue(now: dt.datetime):
    return sa.and_(Order.status == orders.OrderStatus.PENDING_PAYMENT.value, Order.payment_deadline.is_not(None),
                   Order.payment_deadline < now)


def expire_overdue(now: dt.datetime | None = None, *, number: str | None = None,
                   user_id: int | None = None) -> list[Aftermath]:
    """Cancel unpaid orders past their deadline and give their stock back (all, one, or a buyer's)."""
    now = now or utcnow()
    where = [_overdue(now)]
    if number is not None:
        where.append(Order.number == number)
    if user_id is not None:
        where.append(Order.user_id == user_id)
    # A cheap read first: most looks at an order find nothing to expire and need no write lock.
    if db.session.scalar(sa.select(sa.func.count(Order.id)).where(*where)) == 0:
        return []
    done = []
    with write_transaction():
        for order in locking.lock_orders(*where, skip_locked=True):
            done.append(_expire(order, now))
    return done


def cancel_order(number: str, user: User, now: dt.datetime | None = None) -> Aftermath:
    """The buyer (before picking) or staff cancel an order: stock goes back, money is to be refunded."""
    now = now or utcnow()
    with write_transaction():
        order = lock_order(number)
        is_staff = user.role in ("staff", "admin")
        if not is_staff and order.user_id != user.id:
            raise OrderNotFound(number)
        cod = order.payment_method == "cod"
        if (not is_staff and not orders.buyer_may_cancel(order.status)) or not orders.can(
                order.status, orders.OrderEvent.CANCEL, cash_on_delivery=cod):
            raise CannotCancel(order.status)
        step = orders.apply_event(order, orders.OrderEvent.CANCEL)
        order.cancelled_at = now
        if step.releases_stock:
            _release_stock(order, user.id, "cancelled by " + ("staff" if is_staff else "buyer"))
        aftermath = Aftermath(order.number, order.status)
        for payment in order.payments:
            if payment.provider != "stripe":
                continue
            if payment.status == "succeeded" and step.refunds_payment:
                payment.status = "refund_pending"
                aftermath.refund_payment_ids.append(payment.id)
            elif payment.status not in ("succeeded", "refunded", "refund_pending", "refund_failed"):
                payment.status = "canceled"
                aftermath.cancel_intents.append(payment.provider_ref)
        db.session.add(AuditLog(user_id=user.id, action="order.cancel", entity="order", entity_id=order.number,
                                data={"from": step.source.value, "to": step.target.value}))
        outbox.enqueue(order.email, "order_cancelled", order.lang, order=outbox.order_params(order, order.lang),
                       refunded=step.refunds_payment, link=outbox.order_link(order))
    return aftermath


def record_delivery(order_number: str, staff_user: User, now: dt.datetime | None = None) -> str:
    """Staff record that a shipped order reached the buyer; a cash-on-delivery order is paid then."""
    now = now or utcnow()
    with write_transaction():
        order = lock_order(order_number)
        cod = order.payment_method == "cod"
        if not orders.can(order.status, orders.OrderEvent.DELIVER, cash_on_delivery=cod):
            raise CannotDeliver(order.status)
        step = orders.apply_event(order, orders.OrderEvent.DELIVER)
        for shipment in order.shipments:
            if shipment.status != "cancelled":
                shipment.status = "delivered"
        if step.marks_paid:
            order.paid_at = now
            amount = Money(order.total_in_currency(), order.currency)
            order.payments.append(Payment(provider="cod", amount_minor=to_minor_units(amount),
                                          currency=order.currency, status="succeeded"))
        db.session.add(AuditLog(user_id=staff_user.id, action="order.deliver", entity="order",
                                entity_id=order.number, data={"cash_collected": step.marks_paid}))
    return order.status


# ---- reading ------------------------------------------------------------------------------

def order_for_viewer(number: str, user) -> Order | None:
    """The order when `user` owns it or works for the shop; None otherwise (the page says 404)."""
    if user is None or not user.is_authenticated:
        return None
    order = db.session.scalar(
        sa.select(Order).where(Order.number == number).options(
            selectinload(Order.lines), selectinload(Order.payments),
            selectinload(Order.shipments).selectinload(Shipment.line),
            selectinload(Order.shipments).selectinload(Shipment.departure),
            selectinload(Order.shipments).selectinload(Shipment.lines)))
    if order is None:
        return None
    if order.user_id == user.id or user.role in ("staff", "admin"):
        return order
    return None


def orders_of(user_id: int, page: int = 1, per_page: int = 20) -> tuple[list[Order], int]:
    """A buyer's orders, newest first, and how many there are."""
    total = db.session.scalar(sa.select(sa.func.count(Order.id)).where(Order.user_id == user_id)) or 0
    rows = list(db.session.scalars(
        sa.select(Order).where(Order.user_id == user_id).order_by(Order.placed_at.desc(), Order.id.desc())
        .options(selectinload(Order.lines), selectinload(Order.shipments))
        .limit(per_page).offset((max(page, 1) - 1) * per_page)))
    return rows, total


def total_in(order: Order, amount_cny: Decimal) -> Decimal:
    """An amount of this order in its frozen currency."""
    return (Decimal(amount_cny) * Decimal(order.exchange_rate)).quantize(CENT, rounding=ROUND_HALF_UP)


def deadline_of(order: Order) -> dt.datetime | None:
    return aware(order.payment_deadline)
