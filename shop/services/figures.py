"""The figures the admin home and the merchant home show: sales per day, orders by destination and line,
departure fill, stock under bond, lots expiring, refund and return rates, top listings and days of stock
cover. Read only; every merchant figure is narrowed to that merchant's own products."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from shop.database import aware
from shop.domain.routing import SHANGHAI
from shop.extensions import db
from shop.models import Departure, ExpressLine, Lot, Order, OrderLine, Product, ProductTranslation, Shipment

__all__ = [
    "EXPIRY_WINDOWS", "REFUND_STATUSES", "RETURN_STATUSES", "SALES_DAYS", "SOLD_STATUSES", "AdminFigures",
    "Count", "Cover", "DayTotal", "DepartureFill", "ExpiringLot", "ExpiryWindow", "MerchantFigures", "Rates",
    "TopListing", "admin_figures", "merchant_figures",
]

SALES_DAYS = 30
EXPIRY_WINDOWS = (30, 60, 90)
# An order counts as a sale once paid (or confirmed for cash on delivery) and until it is given back.
SOLD_STATUSES = ("paid", "confirmed", "picking", "packed", "shipped", "delivered")
# Orders whose money went back, in whole or part, and orders whose goods came back. Statuses the order
# state machine does not know yet (partially_refunded, returned) simply count nothing until they exist.
REFUND_STATUSES = ("refunded", "partially_refunded")
RETURN_STATUSES = ("returned", "partially_returned")
# Every order the buyer paid for or confirmed at some point: the base of the refund and return rates.
TAKEN_STATUSES = SOLD_STATUSES + REFUND_STATUSES + RETURN_STATUSES
UPCOMING_DEPARTURES = 12
TOP_LISTINGS = 10


@dataclass(frozen=True)
class DayTotal:
    day: dt.date
    orders: int
    amount_cny: Decimal


@dataclass(frozen=True)
class Count:
    key: str  # a country code or a line code
    names: dict[str, str]  # the line's names by language (empty for a country)
    orders: int


@dataclass(frozen=True)
class DepartureFill:
    line: str
    line_names: dict[str, str]
    departs_at: dt.datetime
    booked_kg: Decimal
    capacity_kg: Decimal

    @property
    def share(self) -> Decimal:
        """Booked weight over capacity, 0 to 1 (more when overbooked)."""
        return (self.booked_kg / self.capacity_kg) if self.capacity_kg else Decimal(0)


@dataclass(frozen=True)
class ExpiryWindow:
    days: int
    lots: int
    units: int
    value_cny: Decimal


@dataclass(frozen=True)
class ExpiringLot:
    lot_id: int
    lot_number: str
    customs_entry: str
    sku: str
    name: str
    expiry: dt.date
    on_hand: int
    days_left: int


@dataclass(frozen=True)
class Rates:
    """Refund and return rates over the orders placed in the window that were paid or confirmed."""

    taken: int
    refunded: int
    returned: int

    @property
    def refund_rate(self) -> Decimal:
        return Decimal(self.refunded) / self.taken if self.taken else Decimal(0)

    @property
    def return_rate(self) -> Decimal:
        return Decimal(self.returned) / self.taken if self.taken else Decimal(0)


@dataclass(frozen=True)
class AdminFigures:
    today: dt.date
    sales: list[DayTotal]
    by_destination: list[Count]
    by_line: list[Count]
    departures: list[DepartureFill]
    bonded_units: int
    bonded_value_cny: Decimal
    expiring: list[ExpiryWindow]
    rates: Rates

    @property
    def sales_total_cny(self) -> Decimal:
        return sum((d.amount_cny for d in self.sales), Decimal(0))

    @property
    def sales_orders(self) -> int:
        return sum(d.orders for d in self.sales)


@dataclass(frozen=True)
class TopListing:
    sku: str
    name: str
    units: int
    amount_cny: Decimal


@dataclass(frozen=True)
class Cover:
    """How long a listing's available stock lasts at its sales rate of the last SALES_DAYS days."""

    sku: str
    name: str
    available: int
    sold: int  # units in the window

    @property
    def days(self) -> int | None:
        """Whole days of cover; None when nothing sold in the window (the stock does not run out)."""
        if self.sold <= 0:
            return None
        return int(self.available * SALES_DAYS // self.sold)


@dataclass(frozen=True)
class MerchantFigures:
    today: dt.date
    sales: list[DayTotal]
    top: list[TopListing]
    cover: list[Cover]
    expiring: list[ExpiringLot]
    expiring_windows: list[ExpiryWindow]

    @property
    def sales_total_cny(self) -> Decimal:
        return sum((d.amount_cny for d in self.sales), Decimal(0))

    @property
    def sales_orders(self) -> int:
        return sum(d.orders for d in self.sales)


def business_day(moment: dt.datetime) -> dt.date:
    """The zone's calendar day (Asia/Shanghai) of a moment."""
    return aware(moment).astimezone(SHANGHAI).date()


def _window_start(today: dt.date, days: int = SALES_DAYS) -> dt.datetime:
    """The first moment of the window of `days` business days ending with `today`, in UTC."""
    first = today - dt.timedelta(days=days - 1)
    return dt.datetime.combine(first, dt.time(), tzinfo=SHANGHAI).astimezone(dt.UTC)


def _days(today: dt.date, rows: list[tuple[dt.datetime, int, Decimal]]) -> list[DayTotal]:
    """One DayTotal per business day of the window, oldest first, days without sales included."""
    orders: dict[dt.date, set[int]] = defaultdict(set)
    amounts: dict[dt.date, Decimal] = defaultdict(Decimal)
    for placed_at, order_id, amount in rows:
        day = business_day(placed_at)
        orders[day].add(order_id)
        amounts[day] += Decimal(amount or 0)
    first = today - dt.timedelta(days=SALES_DAYS - 1)
    return [DayTotal(day, len(orders.get(day, ())), amounts.get(day, Decimal("0.00")))
            for day in (first + dt.timedelta(days=n) for n in range(SALES_DAYS))]


def _expiry_windows(today: dt.date, merchant_id: int | None = None) -> list[ExpiryWindow]:
    """Lots holding stock that expire within 30, 60 and 90 days (each window includes the shorter ones)."""
    longest = today + dt.timedelta(days=max(EXPIRY_WINDOWS))
    query = (sa.select(Lot.expiry, Lot.on_hand, Product.price_cny).join(Product, Product.id == Lot.product_id)
             .where(Lot.on_hand > 0, Lot.expiry.is_not(None), Lot.expiry <= longest))
    if merchant_id is not None:
        query = query.where(Product.merchant_id == merchant_id)
    rows = db.session.execute(query).all()
    windows = []
    for days in EXPIRY_WINDOWS:
        end = today + dt.timedelta(days=days)
        inside = [row for row in rows if row.expiry <= end]
        windows.append(ExpiryWindow(days, len(inside), sum(int(r.on_hand) for r in inside),
                                    sum((Decimal(r.price_cny) * r.on_hand for r in inside), Decimal("0.00"))))
    return windows


def admin_figures(today: dt.date, now: dt.datetime) -> AdminFigures:
    """Every figure of the admin home, for the SALES_DAYS business days ending `today`."""
    since = _window_start(today)
    sold = db.session.execute(
        sa.select(Order.placed_at, Order.id, Order.total_cny)
        .where(Order.placed_at >= since, Order.status.in_(SOLD_STATUSES))).all()
    in_window = (Order.placed_at >= since, Order.status.in_(TAKEN_STATUSES))

    destinations = db.session.execute(
        sa.select(Order.ship_country, sa.func.count(Order.id)).where(*in_window)
        .group_by(Order.ship_country).order_by(sa.func.count(Order.id).desc(), Order.ship_country)).all()
    # Grouped by the line's code alone: PostgreSQL cannot group by a JSON column (the names come after).
    lines = db.session.execute(
        sa.select(ExpressLine.code, sa.func.count(sa.distinct(Shipment.order_id)))
        .join(Shipment, Shipment.line_id == ExpressLine.id).join(Order, Order.id == Shipment.order_id)
        .where(*in_window).group_by(ExpressLine.code)
        .order_by(sa.func.count(sa.distinct(Shipment.order_id)).desc(), ExpressLine.code)).all()
    line_names: dict[str, dict[str, str]] = {
        code: names for code, names in db.session.execute(sa.select(ExpressLine.code, ExpressLine.names))}

    upcoming = db.session.execute(
        sa.select(Departure.departs_at, Departure.booked_kg, ExpressLine.code, ExpressLine.names,
                  ExpressLine.capacity_kg)
        .join(ExpressLine, ExpressLine.id == Departure.line_id)
        .where(Departure.departs_at >= now, Departure.status == "scheduled")
        .order_by(Departure.departs_at, ExpressLine.code).limit(UPCOMING_DEPARTURES)).all()

    units, value = db.session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(Lot.on_hand), 0),
                  sa.func.coalesce(sa.func.sum(Lot.on_hand * Product.price_cny), 0))
        .join(Product, Product.id == Lot.product_id).where(Lot.customs_status == "bonded")).one()

    counted = db.session.execute(
        sa.select(sa.func.count(Order.id),
                  sa.func.count(Order.id).filter(Order.status.in_(REFUND_STATUSES)),
                  sa.func.count(Order.id).filter(Order.status.in_(RETURN_STATUSES)))
        .where(*in_window)).one()

    return AdminFigures(
        today=today, sales=_days(today, [(r.placed_at, r.id, r.total_cny) for r in sold]),
        by_destination=[Count(code, {}, int(n)) for code, n in destinations],
        by_line=[Count(code, dict(line_names.get(code) or {}), int(n)) for code, n in lines],
        departures=[DepartureFill(r.code, dict(r.names or {}), aware(r.departs_at), Decimal(r.booked_kg or 0),
                                  Decimal(r.capacity_kg or 0)) for r in upcoming],
        bonded_units=int(units), bonded_value_cny=Decimal(value).quantize(Decimal("0.01")),
        expiring=_expiry_windows(today),
        rates=Rates(taken=int(counted[0]), refunded=int(counted[1]), returned=int(counted[2])))


def _names(product_ids: set[int], lang: str) -> dict[int, str]:
    """Each product's name in `lang`, else in English."""
    names: dict[int, str] = {}
    if not product_ids:
        return names
    rows = db.session.execute(sa.select(ProductTranslation.product_id, ProductTranslation.lang,
                                        ProductTranslation.name)
                              .where(ProductTranslation.product_id.in_(product_ids),
                                     ProductTranslation.lang.in_({lang, "en"}))).all()
    for product_id, _lang, name in sorted(rows, key=lambda r: r.lang == lang):
        names[product_id] = name  # the page's language is written last, so it wins
    return names


def merchant_figures(merchant_id: int, today: dt.date, lang: str) -> MerchantFigures:
    """The merchant home's figures: only the merchant's own lines, listings and lots."""
    since = _window_start(today)
    own_lines = (sa.select(Order.placed_at, Order.id, OrderLine.product_id, OrderLine.sku, OrderLine.quantity,
                           OrderLine.unit_price_cny)
                 .join(Order, Order.id == OrderLine.order_id).join(Product, Product.id == OrderLine.product_id)
                 .where(Product.merchant_id == merchant_id, Order.placed_at >= since,
                        Order.status.in_(SOLD_STATUSES)))
    rows = db.session.execute(own_lines).all()
    sales = _days(today, [(r.placed_at, r.id, Decimal(r.unit_price_cny) * r.quantity) for r in rows])

    units: dict[int, int] = defaultdict(int)
    amounts: dict[int, Decimal] = defaultdict(Decimal)
    skus: dict[int, str] = {}
    for row in rows:
        units[row.product_id] += int(row.quantity)
        amounts[row.product_id] += Decimal(row.unit_price_cny) * row.quantity
        skus[row.product_id] = row.sku

    offered = sa.case((Lot.customs_status == "quarantined", 0), else_=Lot.on_hand - Lot.reserved)
    stock = db.session.execute(
        sa.select(Product.id, Product.sku, sa.func.coalesce(sa.func.sum(offered), 0))
        .outerjoin(Lot, Lot.product_id == Product.id)
        .where(Product.merchant_id == merchant_id, Product.active.is_(True))
        .group_by(Product.id, Product.sku)).all()
    names = _names(set(units) | {r.id for r in stock}, lang)

    top = sorted(units, key=lambda pid: (-amounts[pid], skus[pid]))[:TOP_LISTINGS]
    cover = [Cover(sku, names.get(pid, sku), int(available), units.get(pid, 0)) for pid, sku, available in stock]
    # Soonest to run out first; listings selling nothing last.
    cover.sort(key=lambda c: (c.days is None, c.days if c.days is not None else 0, c.sku))

    longest = today + dt.timedelta(days=max(EXPIRY_WINDOWS))
    lots = db.session.execute(
        sa.select(Lot.id, Lot.lot_number, Lot.customs_entry, Lot.expiry, Lot.on_hand, Product.id.label("pid"),
                  Product.sku)
        .join(Product, Product.id == Lot.product_id)
        .where(Product.merchant_id == merchant_id, Lot.on_hand > 0, Lot.expiry.is_not(None), Lot.expiry <= longest)
        .order_by(Lot.expiry, Lot.id)).all()
    lot_names = _names({r.pid for r in lots}, lang)
    return MerchantFigures(
        today=today, sales=sales,
        top=[TopListing(skus[pid], names.get(pid, skus[pid]), units[pid], amounts[pid]) for pid in top],
        cover=cover,
        expiring=[ExpiringLot(r.id, r.lot_number, r.customs_entry, r.sku, lot_names.get(r.pid, r.sku), r.expiry,
                              int(r.on_hand), (r.expiry - today).days) for r in lots],
        expiring_windows=_expiry_windows(today, merchant_id))
