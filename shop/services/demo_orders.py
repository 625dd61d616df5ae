"""Demo orders: about 200 orders over the past 60 days in the states the shop knows (awaiting payment,
paid, confirmed cash on delivery, picking, packed, shipped, delivered, cancelled), so the order desk, the
homes and the reconciliation show something on a fresh install.

Each order is made as the use cases make it, in one transaction for the lot: routed by the routing domain
(the recommended option, as checkout's "auto"), its stock allocated FEFO by the allocation domain and
reserved in the ledger, moved through the order state machine, picked out of its lots by 'pick' rows,
packed with a waybill number, shipped, delivered; every ledger and audit row carries the moment it
happened. The use cases themselves (one transaction, locks and mail per step) took 112 s for 189 orders on
SQLite here, too slow for a loader the tests run once per database; this writes the same rows in a few
seconds, and the tests check that the use cases carry a demo order on from where the demo left it.

A state is one small function in STATES taking an order placed by `_place` to that state, through the
state before it. To add one (refunded, returned...), write its function and a row in STATES.
Idempotent: the orders carry their own idempotency keys; once any is there the loader adds none.
"""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from shop.domain import allocation, money, orders, picking, routing
from shop.domain.money import Money, to_minor_units
from shop.extensions import db
from shop.models import (
    Allocation,
    AuditLog,
    Departure,
    ExpressLine,
    Lot,
    Order,
    OrderLine,
    Payment,
    Product,
    Refund,
    ReturnLine,
    ReturnRequest,
    Shipment,
    ShipmentEvent,
    StockMove,
    User,
    Wave,
)
from shop.services import addresses, lines, payments, ports, pricing, quotes
from shop.services.ordering import cash
from shop.services.ordering.bookings import load_of

__all__ = ["ORDER_COUNT", "STATES", "DemoOrder", "load_orders"]

DAYS = 60
KEY_PREFIX = "demo-order-"
# A listing lends at most this share of its stock to the demo orders, so the catalogue stays in stock.
STOCK_SHARE = 0.15
MIN_STOCK = 40
_NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_BATCH = 50


@dataclass
class DemoOrder:
    """One demo order being made: its row, its shipments and what it took from which lot."""

    order: Order
    staff_id: int
    now: dt.datetime
    world: _World
    shipments: list[Shipment] = field(default_factory=list)
    taken: list[tuple[OrderLine, Lot, int]] = field(default_factory=list)
    delivered_at: dt.datetime | None = None

    def at(self, **delta: float) -> dt.datetime:
        """A moment after placing, never later than now."""
        return min(self.order.placed_at + dt.timedelta(**delta), self.now - dt.timedelta(minutes=1))

    def step(self, event: orders.OrderEvent) -> orders.Transition:
        return orders.apply_event(self.order, event)

    def audit(self, action: str, at: dt.datetime, data: dict[str, Any]) -> None:
        db.session.add(AuditLog(user_id=self.staff_id, action=action, entity="order", entity_id=self.order.number,
                                data=data, created_at=at))

    def move(self, lot: Lot, kind: str, at: dt.datetime, *, on_hand: int = 0, reserved: int = 0,
             note: str = "") -> None:
        lot.on_hand += on_hand
        lot.reserved += reserved
        db.session.add(StockMove(lot_id=lot.id, kind=kind, on_hand_delta=on_hand, reserved_delta=reserved,
                                 order_id=self.order.id, user_id=None if kind == "reserve" else self.staff_id,
                                 note=note or self.order.number, created_at=at))


# ---- the states -------------------------------------------------------------------------------

def _pay_by_card(d: DemoOrder) -> None:
    """The card payment succeeded (as the webhook leaves it)."""
    if d.order.payment_method != "stripe" or d.order.status != orders.OrderStatus.PENDING_PAYMENT.value:
        return
    at = d.at(minutes=4)
    currency, amount = payments.charge_of(d.order)
    db.session.add(Payment(order_id=d.order.id, provider="stripe", provider_ref=f"pi_demo_{d.order.number}",
                           amount_minor=payments.stripe_amount(amount, currency), currency=currency,
                           status="succeeded", created_at=at, updated_at=at))
    d.step(orders.OrderEvent.PAY)
    d.order.paid_at = at


def _pending(d: DemoOrder) -> None:
    """Placed a few minutes ago and not paid yet (the worker cancels it when its deadline passes)."""


def _paid(d: DemoOrder) -> None:
    _pay_by_card(d)


def _confirmed(d: DemoOrder) -> None:
    """Cash on delivery: placing left it confirmed."""


def _picking(d: DemoOrder) -> None:
    """In its departure's wave (one wave per departure, as build_wave makes it)."""
    _pay_by_card(d)
    at = d.at(hours=18)
    d.step(orders.OrderEvent.START_PICKING)
    for shipment in d.shipments:
        shipment.status = "picking"
        departure = shipment.departure
        if departure is not None and departure not in d.world.waves:
            d.world.waves.add(departure)
            db.session.add(Wave(departure=departure, status="open", created_at=at))


def _packed(d: DemoOrder) -> None:
    """Picked out of its lots (a 'pick' row per allocation) and packed with a waybill number."""
    _picking(d)
    picked, packed = d.at(hours=20), d.at(hours=21)
    for _line, lot, quantity in d.taken:
        d.move(lot, "pick", picked, on_hand=-quantity, reserved=-quantity, note=f"{d.order.number} demo wave")
    d.audit("order.pick", picked, {"lots": {lot.lot_number: q for _line, lot, q in d.taken}})
    for shipment in d.shipments:
        shipment.waybill = picking.waybill_number(d.world.line_codes[shipment.line_id], shipment.id)
        shipment.status = "packed"
        d.audit("shipment.pack", packed, {"shipment": shipment.id, "waybill": shipment.waybill})
    d.step(orders.OrderEvent.PACK)


# What a line's operator reports on the way, in order; a shipped parcel has the first ones.
_JOURNEY = (("in_transit", 0.1), ("arrived_hub", 0.45), ("customs_cleared", 0.7), ("out_for_delivery", 0.95))
_HUBS = {"RU": "Moscow", "KZ": "Almaty", "KG": "Bishkek", "PK": "Sost", "UZ": "Tashkent", "TJ": "Dushanbe",
         "AF": "Kabul", "CN": "Urumqi"}


def _events(d: DemoOrder, shipment: Shipment, until: dt.datetime) -> None:
    """The carrier's reports of one parcel from its departure on, up to `until`."""
    departure = shipment.departure
    left = money_time(departure.departs_at) if departure is not None else d.at(days=1)
    arrive = dt.datetime.combine(shipment.delivery_latest, dt.time(10), tzinfo=dt.UTC)
    span = max(arrive - left, dt.timedelta(hours=6))
    place = _HUBS.get(d.order.ship_country, "Kashgar")
    for status, share in _JOURNEY:
        at = left + span * share
        if at >= until:
            break
        db.session.add(ShipmentEvent(shipment_id=shipment.id, status=status, at=at,
                                     place="Kashgar" if status == "in_transit" else place, created_at=at))


def _shipped(d: DemoOrder, reports: bool = True) -> None:
    """On its way: left with its departure, and what the carrier reported since (when `reports`)."""
    _packed(d)
    for shipment in d.shipments:
        shipment.status = "shipped"
        departure = shipment.departure
        if departure is not None and money_time(departure.departs_at) < d.now:
            departure.status = "departed"
        d.audit("order.ship", d.at(days=1), {"shipment": shipment.id, "waybill": shipment.waybill})
    d.step(orders.OrderEvent.SHIP)
    if reports:
        for shipment in d.shipments:
            _events(d, shipment, d.now - dt.timedelta(minutes=5))


def _delivered(d: DemoOrder) -> None:
    _shipped(d, reports=False)
    at = max(d.at(days=2), min(dt.datetime.combine(s.delivery_earliest, dt.time(12), tzinfo=dt.UTC)
                                 for s in d.shipments))
    at = min(at, d.now - dt.timedelta(minutes=1))
    step = d.step(orders.OrderEvent.DELIVER)
    for shipment in d.shipments:
        shipment.status = "delivered"
        _events(d, shipment, at)
        db.session.add(ShipmentEvent(shipment_id=shipment.id, status="delivered", at=at,
                                     place=d.order.ship_city, created_at=at))
    if step.marks_paid:  # cash collected on delivery, in the destination's money
        d.order.paid_at = at
        amount, currency = d.order.cash_due()
        db.session.add(Payment(order_id=d.order.id, provider="cod", currency=currency, status="succeeded",
                               amount_minor=to_minor_units(Money(amount, currency)), created_at=at, updated_at=at))
    d.audit("order.deliver", at, {"cash_collected": step.marks_paid})
    d.delivered_at = at


def _paid_by(order: Order) -> Payment | None:
    db.session.flush()
    return db.session.scalar(sa.select(Payment).where(Payment.order_id == order.id, Payment.status == "succeeded")
                             .order_by(Payment.id).limit(1))


def _after_delivery(d: DemoOrder, **delta: float) -> dt.datetime:
    delivered = d.delivered_at or d.at(days=3)
    return min(delivered + dt.timedelta(**delta), d.now - dt.timedelta(minutes=1))


def _refund(d: DemoOrder, at: dt.datetime, goods_cny: Decimal, kind: str, lines_: list[dict[str, Any]],
            reason: str, return_id: int | None = None) -> Refund:
    """Money given back as the desk records it: in the currency paid, taxes in proportion to the goods."""
    order = d.order
    share = goods_cny / Decimal(order.goods_cny) if order.goods_cny else Decimal(1)
    tax = money.round_amount(Decimal(order.tax_cny) * share)
    amount_cny = goods_cny + tax if kind != "full" else Decimal(order.total_cny)
    payment = _paid_by(order)
    currency = payment.currency if payment is not None else order.currency
    rate = Decimal(1) if currency == "CNY" else (Decimal(order.exchange_rate) if currency == order.currency
                                                 else Decimal(order.cod_rate or order.exchange_rate))
    amount = money.round_amount(amount_cny * rate, currency)
    refund = Refund(order_id=order.id, payment_id=payment.id if payment is not None else None, return_id=return_id,
                    kind=kind, amount=amount, currency=currency, amount_cny=amount_cny,
                    goods_cny=goods_cny if kind != "full" else Decimal(order.goods_cny),
                    tax_cny=tax if kind != "full" else Decimal(order.tax_cny), reason=reason, lines=lines_,
                    method="stripe" if order.payment_method == "stripe" else "cash",
                    reference="" if order.payment_method == "stripe" else f"demo-{order.number}",
                    status="succeeded", attempts=1, user_id=d.staff_id, created_at=at, updated_at=at)
    db.session.add(refund)
    db.session.flush()
    d.audit("refund.create", at, {"refund": refund.id, "kind": kind, "amount": f"{amount:f}",
                                  "currency": currency})
    return refund


def _refunded(d: DemoOrder) -> None:
    """Delivered, then refunded in full by staff (a parcel that arrived damaged)."""
    _delivered(d)
    at = _after_delivery(d, days=2)
    if _paid_by(d.order) is None:
        return
    _refund(d, at, Decimal(d.order.goods_cny), "full", [], "Parcel arrived damaged")
    d.step(orders.OrderEvent.REFUND)


def _partially_refunded(d: DemoOrder) -> None:
    """Delivered, then one unit of the first line refunded (it arrived crushed)."""
    _delivered(d)
    db.session.flush()
    line = min(d.order.lines, key=lambda x: x.id)
    at = _after_delivery(d, days=1)
    if _paid_by(d.order) is None:
        return
    _refund(d, at, Decimal(line.unit_price_cny), "lines", [{"line_id": line.id, "sku": line.sku, "quantity": 1}],
            "One unit arrived crushed")
    d.step(orders.OrderEvent.PARTIAL_REFUND)


def _returned(d: DemoOrder) -> None:
    """Delivered, sent back within the return window: approved, received saleable into its lots, refunded."""
    _delivered(d)
    asked = _after_delivery(d, days=2) - dt.timedelta(minutes=2)
    decided, received = asked + dt.timedelta(hours=5), min(asked + dt.timedelta(days=4),
                                                          d.now - dt.timedelta(minutes=1))
    entries = sorted({lot.customs_entry for _line, lot, _q in d.taken})
    row = ReturnRequest(order_id=d.order.id, user_id=d.order.user_id, status="received",
                        reason="Changed my mind", staff_message="", customs_reference=";".join(entries)[:200],
                        decided_by=d.staff_id, decided_at=decided, received_by=d.staff_id, received_at=received,
                        created_at=asked)
    for line in d.order.lines:
        row.lines.append(ReturnLine(order_line_id=line.id, quantity=line.quantity, condition="saleable"))
    db.session.add(row)
    db.session.flush()
    for _line, lot, quantity in d.taken:
        d.move(lot, "return", received, on_hand=quantity, note=f"return {row.id} saleable {lot.customs_entry}")
    d.audit("return.request", asked, {"return": row.id})
    d.audit("return.approve", decided, {"return": row.id})
    d.audit("return.receive", received, {"return": row.id, "saleable": sum(q for _l, _lot, q in d.taken),
                                         "damaged": 0, "customs_reference": row.customs_reference})
    d.step(orders.OrderEvent.RETURN)
    if _paid_by(d.order) is not None:
        _refund(d, received, Decimal(d.order.goods_cny), "lines",
                [{"line_id": x.id, "sku": x.sku, "quantity": x.quantity} for x in d.order.lines],
                "Return received", return_id=row.id)


def _cancelled(d: DemoOrder) -> None:
    """Cancelled by staff before it was paid: its reservations go back to the lots, its space on the truck too."""
    at = d.at(hours=3)
    step = d.step(orders.OrderEvent.CANCEL)
    d.order.cancelled_at = at
    for _line, lot, quantity in d.taken:
        d.move(lot, "release", at, reserved=-quantity, note="cancelled by staff")
    for shipment in d.shipments:
        shipment.status = "cancelled"
        departure = shipment.departure
        if departure is not None:
            kg, m3 = load_of([(line.product, line.quantity) for line in d.order.lines if line.shipment is shipment])
            departure.booked_kg = max(Decimal(departure.booked_kg) - kg, Decimal(0))
            departure.booked_m3 = max(Decimal(departure.booked_m3) - m3, Decimal(0))
    d.audit("order.cancel", at, {"from": step.source.value, "to": step.target.value})


def money_time(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


# name, the function, how many orders, placed how many days ago (newest, oldest), how they pay
# ("mixed": mostly by card, some cash on delivery; an import into China is always paid first).
STATES: list[tuple[str, Callable[[DemoOrder], None], int, tuple[float, float], str]] = [
    ("delivered", _delivered, 62, (25, DAYS), "mixed"),
    ("shipped", _shipped, 40, (6, 24), "mixed"),
    ("packed", _packed, 12, (0.3, 2), "mixed"),
    ("picking", _picking, 10, (0.3, 2), "mixed"),
    ("paid", _paid, 20, (0.05, 2), "stripe"),
    ("confirmed", _confirmed, 20, (0.05, 2), "cod"),
    ("pending_payment", _pending, 6, (0.002, 0.01), "stripe"),
    ("cancelled", _cancelled, 12, (1, DAYS), "mixed"),
    ("refunded", _refunded, 6, (20, DAYS), "mixed"),
    ("partially_refunded", _partially_refunded, 6, (20, DAYS), "mixed"),
    ("returned", _returned, 6, (18, DAYS), "mixed"),
]
ORDER_COUNT = sum(count for _name, _function, count, _days, _paying in STATES)


# ---- placing ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Plan:
    key: str
    state: str
    placed_at: dt.datetime
    buyer: dict[str, Any]
    items: list[tuple[int, int]]
    payment_method: str


class _World:
    """What placing reads once for every demo order: listings, lots, lines, departures, rates."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.products = {p.id: p for p in db.session.scalars(
            sa.select(Product).where(Product.active.is_(True)).options(selectinload(Product.translations)))}
        self.lots: dict[int, list[Lot]] = {}
        for lot in db.session.scalars(sa.select(Lot).order_by(Lot.id)):
            self.lots.setdefault(lot.product_id, []).append(lot)
        self.lines = lines.line_set().lines
        self.line_ids = {code: line_id for line_id, code in db.session.execute(
            sa.select(ExpressLine.id, ExpressLine.code))}
        self.line_codes = {line_id: code for code, line_id in self.line_ids.items()}
        self.waves = set(db.session.scalars(sa.select(Departure).join(Wave, Wave.departure_id == Departure.id)))
        self.latin: dict[str, str] = {}
        self.departures = {(d.line_id, money_time(d.departs_at)): d for d in db.session.scalars(sa.select(Departure))}
        self.rates = pricing.latest_rates()
        self.margin = dt.timedelta(days=ports.settings().expiry_margin_days)
        self.deadline = dt.timedelta(minutes=ports.settings().payment_deadline_minutes)
        self.duty: dict[str, tuple[Any, Any]] = {}

    def stock(self) -> list[tuple[int, int]]:
        """(listing id, units the demo may use), for listings with enough stock outside quarantine."""
        found = []
        for pid in sorted(self.products):
            units = sum(lot.on_hand - lot.reserved for lot in self.lots.get(pid, ())
                        if lot.customs_status != "quarantined")
            if units >= MIN_STOCK:
                found.append((pid, int(units * STOCK_SHARE)))
        return found

    def quote(self, pairs: list[tuple[Product, int]], country: str, city: str, when: dt.datetime) -> routing.Quote:
        if country not in self.duty:
            rule = quotes.duty_rule(country) if country != "CN" else None
            rate = pricing.cny_per_unit(rule.currency, self.rates) if rule is not None else None
            self.duty[country] = ({country: rule} if rule else None, {rule.currency: rate} if rule and rate else None)
        rules, rates = self.duty[country]
        return routing.quote(quotes.to_items(pairs), routing.Destination(country, addresses.routing_city(city)),
                             when, self.lines, duty_rules=rules, cny_per_unit=rates)

    def latin_of(self, buyer: dict[str, Any]) -> str:
        """The address in Latin letters for the waybill (made once per demo buyer)."""
        key = buyer.get("account") or buyer["email"]
        if key not in self.latin:
            self.latin[key] = addresses.latin_block(
                {k: buyer[k] for k in ("name", "phone", "country", "city", "address", "postcode")})
        return self.latin[key]

    def departure(self, line_id: int, departs_at: dt.datetime) -> Departure:
        found = self.departures.get((line_id, departs_at))
        if found is None:
            found = Departure(line_id=line_id, departs_at=departs_at, booked_kg=Decimal(0), booked_m3=Decimal(0),
                              status="scheduled")
            db.session.add(found)
            self.departures[(line_id, departs_at)] = found
        return found


def _plans(world: _World, buyers: list[dict[str, Any]]) -> list[_Plan]:
    """The same orders every time (a fixed seed)."""
    chance = random.Random(2026)
    stock = world.stock()
    budget = dict(stock)
    plans = []
    serial = 0
    for state, _function, count, (newest, oldest), paying in STATES:
        for _ in range(count):
            serial += 1
            items: dict[int, int] = {}
            for _line in range(chance.choice((1, 1, 1, 2, 2, 3))):
                pid = chance.choice(stock)[0]
                quantity = chance.choice((1, 1, 2))
                if budget[pid] >= quantity:
                    budget[pid] -= quantity
                    items[pid] = items.get(pid, 0) + quantity
            buyer = chance.choice(buyers)
            method = paying if paying != "mixed" else chance.choice(("stripe", "stripe", "cod"))
            if buyer["country"] == "CN":
                method = "stripe"
            placed_at = world.now - dt.timedelta(days=chance.uniform(newest, oldest))
            if items:
                plans.append(_Plan(f"{KEY_PREFIX}{serial:04d}", state, placed_at, buyer, sorted(items.items()),
                                   method))
    return plans


def _place(world: _World, plan: _Plan, number: str, user_id: int | None, staff_id: int) -> DemoOrder | None:
    """The order as checkout leaves it (reserved, booked, confirmed or awaiting payment), or None when no
    line takes these goods there that day, or the stock is not there."""
    buyer = plan.buyer
    pairs = [(world.products[pid], quantity) for pid, quantity in plan.items]
    try:
        quote = world.quote(pairs, buyer["country"], buyer["city"], plan.placed_at)
    except routing.RoutingError:
        return None
    if not quote.options:
        return None
    option = quote.options[0]
    by_sku = {p.sku: p for p, _q in pairs}
    lot_stock = [allocation.LotStock(lot.id, world.products[pid].sku, max(lot.on_hand - lot.reserved, 0), lot.expiry,
                                     lot.bin, lot.customs_status)
                 for pid, _q in plan.items for lot in world.lots.get(pid, ())]
    try:
        taken = allocation.allocate([allocation.OrderLine(p.sku, q) for p, q in pairs], lot_stock,
                                    usable_after=option.delivery_latest + world.margin)
    except allocation.InsufficientStock:
        return None
    goods = money.round_amount(sum((p.price_cny * q for p, q in pairs), Decimal(0)))
    shipping, tax = money.round_amount(option.cost), money.round_amount(option.taxes)
    currency = buyer["currency"] if buyer["currency"] in world.rates else "CNY"
    cod = plan.payment_method == "cod"
    order = Order(
        number=number, user_id=user_id, email=buyer.get("account") or buyer["email"], lang=buyer["lang"],
        flow="import" if buyer["country"] == "CN" else "export",
        status=orders.initial_status(cash_on_delivery=cod).value, payment_method="cod" if cod else "stripe",
        currency=currency, exchange_rate=world.rates[currency].per_cny, goods_cny=goods, shipping_cny=shipping,
        tax_cny=tax, total_cny=goods + shipping + tax, ship_name=buyer["name"], ship_phone=buyer["phone"],
        ship_country=buyer["country"], ship_city=buyer["city"], ship_address=buyer["address"],
        ship_postcode=buyer["postcode"],
        ship_address_latin=world.latin_of(buyer),
        id_name=buyer.get("id_name"), id_number=buyer.get("id_number"), idempotency_key=plan.key,
        payment_deadline=None if cod else plan.placed_at + world.deadline,
        placed_at=plan.placed_at)
    if cod:  # the courier collects the destination's money, fixed when placed (as checkout does)
        due = cash.cash_due(order.ship_country, order.total_cny, {c: r.per_cny for c, r in world.rates.items()})
        order.cod_currency, order.cod_rate, order.cod_amount = due.currency, due.rate, due.amount
    db.session.add(order)
    demo = DemoOrder(order, staff_id, world.now, world)
    shipment_of: dict[str, Shipment] = {}
    for planned in option.shipments:
        line_id = world.line_ids[planned.line]
        departure = world.departure(line_id, planned.departure)
        kg, m3 = load_of([(by_sku[sku], q) for sku, q in planned.items])
        departure.booked_kg = Decimal(departure.booked_kg) + kg
        departure.booked_m3 = Decimal(departure.booked_m3) + m3
        shipment = Shipment(line_id=line_id, departure=departure,
                            chargeable_weight_g=planned.chargeable_weight_g, cost_cny=Decimal(planned.cost),
                            delivery_earliest=planned.delivery_earliest, delivery_latest=planned.delivery_latest)
        order.shipments.append(shipment)
        demo.shipments.append(shipment)
        for sku, _q in planned.items:
            shipment_of[sku] = shipment
    line_of: dict[str, OrderLine] = {}
    for product, quantity in pairs:
        name = product.text(buyer["lang"])
        line = OrderLine(product=product, sku=product.sku, name=name.name if name else product.sku,
                         quantity=quantity, unit_price_cny=product.price_cny)
        order.lines.append(line)
        line.shipment = shipment_of.get(product.sku)
        line_of[product.sku] = line
    lots = {lot.id: lot for pid, _q in plan.items for lot in world.lots.get(pid, ())}
    for part in taken:
        lot = lots[int(part.lot_id)]
        line_of[part.sku].allocations.append(Allocation(lot_id=lot.id, quantity=part.quantity))
        demo.taken.append((line_of[part.sku], lot, part.quantity))
        # Held at once (the next order must not take these units); written to the ledger by _reserve.
        lot.reserved += part.quantity
    return demo


def _reserve(demo: DemoOrder) -> None:
    """The placing's 'reserve' rows, once the order has its id."""
    for _line, lot, quantity in demo.taken:
        lot.reserved -= quantity
        demo.move(lot, "reserve", demo.order.placed_at, reserved=quantity)


def load_orders(now: dt.datetime | None = None) -> int:
    """Place the demo orders and take each to its state, in one transaction; answers how many were placed
    (0 when the demo orders are there already)."""
    now = now or dt.datetime.now(dt.UTC)
    if db.session.scalar(sa.select(Order.id).where(Order.idempotency_key.like(KEY_PREFIX + "%")).limit(1)):
        return 0
    staff_id = db.session.scalar(sa.select(User.id).where(User.role == "staff").order_by(User.id))
    world = _World(now)
    if staff_id is None or not world.stock() or not world.lines:
        return 0
    accounts = {u.email: u.id for u in db.session.scalars(sa.select(User).where(User.role == "buyer"))}
    with db.session.no_autoflush:
        placed = _load(world, accounts, staff_id)
    db.session.commit()
    return placed


def _load(world: _World, accounts: dict[str, int], staff_id: int) -> int:
    from shop.demo.orders import BUYERS

    functions = {state: function for state, function, *_ in STATES}
    chance = random.Random(61)
    placed = 0
    plans = _plans(world, BUYERS)
    for start in range(0, len(plans), _BATCH):
        batch: list[tuple[_Plan, DemoOrder]] = []
        for plan in plans[start:start + _BATCH]:
            day = plan.placed_at.astimezone(routing.SHANGHAI).strftime("%y%m%d")
            number = f"KS{day}-" + "".join(chance.choice(_NUMBER_ALPHABET) for _ in range(5))
            demo = _place(world, plan, number, accounts.get(plan.buyer.get("account") or ""), staff_id)
            if demo is not None:
                batch.append((plan, demo))
        db.session.flush()  # the orders' and shipments' ids, for the ledger and the waybills, in a few statements
        for plan, demo in batch:
            _reserve(demo)
            state = plan.state
            if demo.order.payment_method == "cod" and state in ("paid", "pending_payment"):
                state = "confirmed"
            elif demo.order.payment_method != "cod" and state == "confirmed":
                state = "paid"  # an import into China is paid before it leaves
            functions[state](demo)
            placed += 1
    return placed
