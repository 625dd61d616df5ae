"""The order desk's use cases: find orders (filters, search, sort, pages), export them as CSV, read one
order with its whole history, and keep staff notes on it."""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from shop.database import aware, write_transaction
from shop.domain.orders import OrderEvent, OrderStatus, can
from shop.domain.payments import PaymentStatus
from shop.extensions import db
from shop.models import (
    Allocation,
    AuditLog,
    Departure,
    ExpressLine,
    Lot,
    Merchant,
    Order,
    OrderLine,
    OrderNote,
    Payment,
    Product,
    Shipment,
    StockMove,
    User,
)
from shop.services import payments, tracking
from shop.services.payments import PaymentIssue

__all__ = [
    "EXPORT_COLUMNS", "SORTS", "Choices", "NoteRefused", "OrderDetail", "OrderFilters", "OrderNotFound", "OrderPage",
    "OrderRow", "TimelineEntry", "add_note", "export_rows", "filter_choices", "filters_from", "holding_goods_of",
    "order_by", "order_detail", "page_from", "search_orders", "where_clauses",
]

PER_PAGE = 50
MAX_PER_PAGE = 200
NOTE_MAX = 2000
QUERY_MAX = 100
SORTS = ("-placed", "placed", "-total", "total", "-number", "number")
DEFAULT_SORT = "-placed"
# Customs filing is not built yet: every China import order stands unfiled.
NOT_FILED = "not_filed"
EXPORT_COLUMNS = ("number", "placed_at", "status", "payment_method", "payment_status", "flow", "email", "ship_name",
                  "ship_phone", "ship_country", "ship_city", "lines", "waybills", "goods_cny", "shipping_cny",
                  "tax_cny", "total_cny", "currency", "paid_at", "cancelled_at")
# Control characters other than tab, newline and carriage return.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_COUNTRY = re.compile("^[A-Z]{2}$")
_EXPORT_BATCH = 500
_SEPARATOR = "\x1f"


class OrderDeskError(Exception):
    """Base of the desk's refusals; `code` names the reason."""

    code = "refused"


class OrderNotFound(OrderDeskError):
    code = "not_found"

    def __init__(self, number: str) -> None:
        super().__init__(number)
        self.number = number


class NoteRefused(OrderDeskError):
    """A note that is empty, longer than NOTE_MAX characters or carries control characters."""

    def __init__(self, code: str, limit: int = NOTE_MAX) -> None:
        super().__init__(code)
        self.code = code
        self.limit = limit


@dataclass(frozen=True)
class OrderFilters:
    """What the desk narrows the orders to; None (or "") means no narrowing."""

    status: str | None = None
    payment_status: str | None = None
    placed_from: dt.date | None = None
    placed_to: dt.date | None = None
    country: str | None = None
    line: str | None = None
    departure_id: int | None = None
    merchant: str | None = None
    q: str = ""

    def as_params(self) -> dict[str, str]:
        """The filters as URL parameters (the names filters_from reads)."""
        params = {"status": self.status, "payment_status": self.payment_status,
                  "from": self.placed_from.isoformat() if self.placed_from else None,
                  "to": self.placed_to.isoformat() if self.placed_to else None, "country": self.country,
                  "line": self.line, "departure": str(self.departure_id) if self.departure_id else None,
                  "merchant": self.merchant, "q": self.q or None}
        return {key: value for key, value in params.items() if value}


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _word(text: str | None, known: tuple[str, ...]) -> str | None:
    return text if text in known else None


def _slug(text: str | None) -> str | None:
    return text if text and len(text) <= 64 and re.fullmatch(r"[A-Za-z0-9_.-]+", text) else None


def filters_from(args: Mapping[str, str]) -> OrderFilters:
    """Filters from URL parameters: a value the desk does not know (a status, a date, a number) is left out."""
    departure = args.get("departure") or ""
    q = (args.get("q") or "").strip()
    if _CONTROL.search(q):
        q = ""
    country = (args.get("country") or "").strip().upper()
    return OrderFilters(
        status=_word(args.get("status"), tuple(s.value for s in OrderStatus)),
        payment_status=_word(args.get("payment_status"), tuple(s.value for s in PaymentStatus)),
        placed_from=_date(args.get("from")), placed_to=_date(args.get("to")),
        country=country if _COUNTRY.match(country) else None,
        line=_slug(args.get("line")),
        departure_id=int(departure) if departure.isdigit() and len(departure) < 10 else None,
        merchant=_slug(args.get("merchant")), q=q[:QUERY_MAX])


def page_from(text: str | None) -> int:
    """A page number from a URL parameter: 1 for anything but a positive whole number."""
    return int(text) if text and text.isdigit() and 0 < len(text) < 7 and int(text) > 0 else 1


def sort_from(text: str | None) -> str:
    return text if text in SORTS else DEFAULT_SORT


@dataclass(frozen=True)
class OrderRow:
    number: str
    placed_at: dt.datetime
    status: str
    flow: str
    payment_method: str
    email: str
    ship_name: str
    ship_country: str
    total_cny: Decimal
    currency: str
    total_in_currency: Decimal


@dataclass(frozen=True)
class OrderPage:
    rows: list[OrderRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def holding_goods_of(merchant_id: int) -> sa.ColumnElement[bool]:
    """Orders with at least one line of the merchant's products."""
    return Order.id.in_(sa.select(OrderLine.order_id).join(Product, Product.id == OrderLine.product_id)
                        .where(Product.merchant_id == merchant_id))


def where_clauses(filters: OrderFilters, *, merchant_id: int | None = None) -> list[sa.ColumnElement[bool]]:
    """The conditions `filters` put on orders. With `merchant_id`, only that merchant's orders, its own
    merchant filter ignored, and the search matches order numbers and waybills only: a merchant does not see
    the buyer's name, e-mail, phone or ID, so it may not probe for them either."""
    if merchant_id is None:
        return _where(filters)
    own = replace(filters, merchant=None, q="")
    where = [holding_goods_of(merchant_id), *_where(own)]
    if filters.q:
        pattern = _like(filters.q.lower())
        where.append(sa.or_(sa.func.lower(Order.number).like(pattern, escape="\\"),
                            Order.id.in_(sa.select(Shipment.order_id)
                                         .where(sa.func.lower(Shipment.waybill).like(pattern, escape="\\")))))
    return where


def order_by(sort: str) -> list[sa.UnaryExpression[Any]]:
    """The ORDER BY of a desk sort name (an unknown one sorts newest first)."""
    return _order_by(sort_from(sort))


def _where(filters: OrderFilters) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    if filters.status:
        where.append(Order.status == filters.status)
    # Each narrowing by a related row is an IN over that row's own index, not a correlated EXISTS: at
    # 100,000 orders the database then reads the few matching rows instead of probing once per order.
    if filters.payment_status:
        where.append(Order.id.in_(sa.select(Payment.order_id).where(Payment.status == filters.payment_status)))
    if filters.placed_from:
        start = dt.datetime.combine(filters.placed_from, dt.time(), tzinfo=dt.UTC)
        where.append(Order.placed_at >= start)
    if filters.placed_to:
        end = dt.datetime.combine(filters.placed_to + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        where.append(Order.placed_at < end)
    if filters.country:
        where.append(Order.ship_country == filters.country)
    if filters.line:
        where.append(Order.id.in_(sa.select(Shipment.order_id).join(ExpressLine, Shipment.line_id == ExpressLine.id)
                                  .where(ExpressLine.code == filters.line)))
    if filters.departure_id:
        where.append(Order.id.in_(sa.select(Shipment.order_id).where(Shipment.departure_id == filters.departure_id)))
    if filters.merchant:
        where.append(Order.id.in_(sa.select(OrderLine.order_id).join(Product, OrderLine.product_id == Product.id)
                                  .join(Merchant, Product.merchant_id == Merchant.id)
                                  .where(Merchant.slug == filters.merchant)))
    if filters.q:
        where.append(_search(filters.q))
    return where


def _search(q: str) -> sa.ColumnElement[bool]:
    """Order number, e-mail, the name shipped to, phone, a waybill, or the last four of the PRC ID number."""
    pattern = _like(q.lower())
    # One lower() over the four columns joined by a separator no search can hold (control characters are
    # refused): a single pass per order instead of four.
    joined = sa.func.lower(Order.number + _SEPARATOR + Order.email + _SEPARATOR + Order.ship_name + _SEPARATOR
                           + Order.ship_phone)
    found: list[sa.ColumnElement[bool]] = [joined.like(pattern, escape="\\")]
    digits = re.sub(r"\D", "", q)
    if len(digits) >= 4:
        # A phone typed without its spaces and dashes.
        compact = sa.func.replace(sa.func.replace(sa.func.replace(Order.ship_phone, " ", ""), "-", ""), "+", "")
        found.append(compact.like(_like(digits), escape="\\"))
    if len(q) == 4 and re.fullmatch(r"[0-9]{3}[0-9Xx]", q):
        found.append(sa.func.upper(Order.id_number).like("%" + q.upper()))
    found.append(Order.id.in_(sa.select(Shipment.order_id)
                              .where(sa.func.lower(Shipment.waybill).like(pattern, escape="\\"))))
    return sa.or_(*found)


def _order_by(sort: str) -> list[sa.UnaryExpression[Any]]:
    column = {"placed": Order.placed_at, "total": Order.total_cny, "number": Order.number}[sort.lstrip("-")]
    if sort.startswith("-"):
        return [column.desc(), Order.id.desc()]
    return [column.asc(), Order.id.asc()]


def _row(order: Order) -> OrderRow:
    return OrderRow(number=order.number, placed_at=aware(order.placed_at), status=order.status, flow=order.flow,
                    payment_method=order.payment_method, email=order.email, ship_name=order.ship_name,
                    ship_country=order.ship_country, total_cny=order.total_cny, currency=order.currency,
                    total_in_currency=order.total_in_currency())


def search_orders(filters: OrderFilters, sort: str = DEFAULT_SORT, page: int = 1,
                  per_page: int = PER_PAGE) -> OrderPage:
    """One page of the orders that pass `filters`, in `sort` order, with how many pass in all."""
    sort = sort_from(sort)
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    where = _where(filters)
    total = db.session.scalar(sa.select(sa.func.count(Order.id)).where(*where)) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    orders = db.session.scalars(sa.select(Order).where(*where).order_by(*_order_by(sort))
                                .limit(per_page).offset((page - 1) * per_page))
    return OrderPage(rows=[_row(order) for order in orders], total=total, page=page, per_page=per_page)


def export_rows(filters: OrderFilters, sort: str = DEFAULT_SORT) -> Iterator[tuple[object, ...]]:
    """Every order that passes `filters` as a row in EXPORT_COLUMNS order, read from the database in
    batches (for csv_export.stream_csv: a large export never sits in memory whole)."""
    query = (sa.select(Order.id, Order.number, Order.placed_at, Order.status, Order.payment_method, Order.flow,
                       Order.email, Order.ship_name, Order.ship_phone, Order.ship_country, Order.ship_city,
                       Order.goods_cny, Order.shipping_cny, Order.tax_cny, Order.total_cny, Order.currency,
                       Order.paid_at, Order.cancelled_at)
             .where(*_where(filters)).order_by(*_order_by(sort_from(sort)))
             .execution_options(yield_per=_EXPORT_BATCH))
    result = db.session.execute(query)
    for batch in result.partitions():
        ids = [row.id for row in batch]
        lines: dict[int, list[str]] = {}
        for order_id, sku, quantity in db.session.execute(
                sa.select(OrderLine.order_id, OrderLine.sku, OrderLine.quantity)
                .where(OrderLine.order_id.in_(ids)).order_by(OrderLine.id)):
            lines.setdefault(order_id, []).append(f"{sku} x{quantity}")
        waybills: dict[int, list[str]] = {}
        for order_id, waybill in db.session.execute(
                sa.select(Shipment.order_id, Shipment.waybill)
                .where(Shipment.order_id.in_(ids), Shipment.waybill.is_not(None)).order_by(Shipment.id)):
            waybills.setdefault(order_id, []).append(waybill or "")
        paid: dict[int, str] = {}
        for order_id, status in db.session.execute(
                sa.select(Payment.order_id, Payment.status).where(Payment.order_id.in_(ids)).order_by(Payment.id)):
            paid[order_id] = status  # the latest payment's status
        for row in batch:
            yield (row.number, aware(row.placed_at), row.status, row.payment_method, paid.get(row.id, ""), row.flow,
                   row.email, row.ship_name, row.ship_phone, row.ship_country, row.ship_city, lines.get(row.id, []),
                   waybills.get(row.id, []), row.goods_cny, row.shipping_cny, row.tax_cny, row.total_cny,
                   row.currency, aware(row.paid_at), aware(row.cancelled_at))


# ---- the choices the filter form offers -------------------------------------------------------

@dataclass(frozen=True)
class Choices:
    statuses: tuple[str, ...]
    payment_statuses: tuple[str, ...]
    countries: list[str]
    lines: list[tuple[str, dict[str, str]]]  # code, names by language
    departures: list[tuple[int, str, dt.datetime]]  # id, line code, departs at
    merchants: list[tuple[str, str]]  # slug, name


def filter_choices(departures: int = 60) -> Choices:
    """What the filter form offers: the statuses, the countries orders went to, lines, recent departures, merchants."""
    countries = list(db.session.scalars(sa.select(Order.ship_country).distinct().order_by(Order.ship_country)))
    lines = [(line.code, dict(line.names or {}))
             for line in db.session.scalars(sa.select(ExpressLine).order_by(ExpressLine.code))]
    recent = db.session.execute(sa.select(Departure.id, ExpressLine.code, Departure.departs_at)
                                .join(ExpressLine, Departure.line_id == ExpressLine.id)
                                .order_by(Departure.departs_at.desc(), Departure.id.desc()).limit(departures))
    merchants = [(m.slug, m.name) for m in db.session.scalars(sa.select(Merchant).order_by(Merchant.name))]
    return Choices(statuses=tuple(s.value for s in OrderStatus), payment_statuses=tuple(s.value for s in PaymentStatus),
                   countries=countries, lines=lines,
                   departures=[(row.id, row.code, aware(row.departs_at)) for row in recent], merchants=merchants)


def merchant_filter_choices(merchant_id: int, departures: int = 60) -> Choices:
    """The filter form a merchant gets: countries of its own orders, lines, the departures its orders travel
    on; no merchant list."""
    own = holding_goods_of(merchant_id)
    countries = list(db.session.scalars(sa.select(Order.ship_country).where(own).distinct()
                                        .order_by(Order.ship_country)))
    lines = [(line.code, dict(line.names or {}))
             for line in db.session.scalars(sa.select(ExpressLine).order_by(ExpressLine.code))]
    recent = db.session.execute(
        sa.select(Departure.id, ExpressLine.code, Departure.departs_at)
        .join(ExpressLine, Departure.line_id == ExpressLine.id)
        .where(Departure.id.in_(sa.select(Shipment.departure_id).join(Order, Order.id == Shipment.order_id)
                                .where(own)))
        .order_by(Departure.departs_at.desc(), Departure.id.desc()).limit(departures))
    return Choices(statuses=tuple(s.value for s in OrderStatus), payment_statuses=tuple(s.value for s in PaymentStatus),
                   countries=countries, lines=lines,
                   departures=[(row.id, row.code, aware(row.departs_at)) for row in recent], merchants=[])


# ---- one order --------------------------------------------------------------------------------

@dataclass(frozen=True)
class TimelineEntry:
    """One change to an order: `event` names it (placed, paid, cancelled, payment, stock, note, or an audit
    action such as order.pick); `who` is the account's e-mail, or None for the shop itself."""

    at: dt.datetime
    event: str
    who: str | None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LineView:
    sku: str
    name: str
    quantity: int
    unit_price_cny: Decimal
    lots: list[tuple[str, int]]


@dataclass(frozen=True)
class PaymentView:
    provider: str
    provider_ref: str | None
    amount_minor: int
    currency: str
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class ShipmentView:
    id: int
    line: str
    line_names: dict[str, str]
    departs_at: dt.datetime | None
    waybill: str | None
    status: str
    chargeable_weight_g: int
    cost_cny: Decimal
    delivery_earliest: dt.date
    delivery_latest: dt.date


@dataclass(frozen=True)
class NoteView:
    at: dt.datetime
    who: str | None
    body: str


@dataclass(frozen=True)
class OrderDetail:
    number: str
    status: str
    flow: str
    customs_status: str | None  # for China imports only
    payment_method: str
    email: str
    buyer: str | None  # the account's e-mail; None for a guest
    lang: str
    ship_name: str
    ship_phone: str
    ship_country: str
    ship_city: str
    ship_address: str
    ship_postcode: str
    id_last_four: str | None
    currency: str
    goods_cny: Decimal
    shipping_cny: Decimal
    tax_cny: Decimal
    total_cny: Decimal
    total_in_currency: Decimal
    placed_at: dt.datetime
    paid_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    lines: list[LineView]
    payments: list[PaymentView]
    payment_issues: list[PaymentIssue]
    shipments: list[ShipmentView]
    notes: list[NoteView]
    timeline: list[TimelineEntry]
    can_cancel: bool  # staff may cancel it now (the order state machine says so)
    discount_code: str | None = None  # the discount code the order used, and what it took off
    discount_cny: Decimal = Decimal(0)


def _find(number: str, *, whole: bool = False) -> Order:
    query = sa.select(Order).where(Order.number == number)
    if whole:  # everything the detail page shows, in a few queries rather than one per row
        query = query.options(
            selectinload(Order.lines).selectinload(OrderLine.allocations).selectinload(Allocation.lot),
            selectinload(Order.shipments).selectinload(Shipment.line),
            selectinload(Order.shipments).selectinload(Shipment.departure), selectinload(Order.payments))
    order = db.session.scalar(query) if len(number) <= 24 else None
    if order is None:
        raise OrderNotFound(number)
    return order


def _emails(user_ids: set[int | None]) -> dict[int, str]:
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return {user_id: email for user_id, email in db.session.execute(sa.select(User.id, User.email)
                                                                    .where(User.id.in_(ids)))}


def order_detail(number: str) -> OrderDetail:
    """One order with its lines, payments, shipments, notes and the timeline of every change."""
    order = _find(number, whole=True)
    audits = list(db.session.scalars(sa.select(AuditLog).where(AuditLog.entity == "order",
                                                              AuditLog.entity_id == order.number)
                                     .order_by(AuditLog.id)))
    moves = [(move, lot_number) for move, lot_number in db.session.execute(
        sa.select(StockMove, Lot.lot_number).join(Lot, StockMove.lot_id == Lot.id)
        .where(StockMove.order_id == order.id).order_by(StockMove.id))]
    notes = list(db.session.scalars(sa.select(OrderNote).where(OrderNote.order_id == order.id)
                                    .order_by(OrderNote.id)))
    paid = sorted(order.payments, key=lambda p: p.id)
    emails = _emails({order.user_id} | {a.user_id for a in audits} | {m.user_id for m, _ in moves}
                     | {n.user_id for n in notes})
    lines = [LineView(sku=line.sku, name=line.name, quantity=line.quantity, unit_price_cny=line.unit_price_cny,
                      lots=[(a.lot.lot_number, a.quantity) for a in line.allocations])
             for line in sorted(order.lines, key=lambda row: row.id)]
    shipments = [ShipmentView(id=s.id, line=s.line.code, line_names=dict(s.line.names or {}),
                              departs_at=aware(s.departure.departs_at) if s.departure else None, waybill=s.waybill,
                              status=s.status, chargeable_weight_g=s.chargeable_weight_g, cost_cny=s.cost_cny,
                              delivery_earliest=s.delivery_earliest, delivery_latest=s.delivery_latest)
                 for s in sorted(order.shipments, key=lambda row: row.id)]
    buyer = emails.get(order.user_id) if order.user_id is not None else None
    timeline = sorted(_timeline(order, buyer, audits, moves, paid, notes, emails) + _carrier_timeline(order.number),
                      key=lambda entry: entry.at)
    return OrderDetail(
        number=order.number, status=order.status, flow=order.flow,
        customs_status=NOT_FILED if order.flow == "import" else None, payment_method=order.payment_method,
        email=order.email, buyer=buyer, lang=order.lang, ship_name=order.ship_name, ship_phone=order.ship_phone,
        ship_country=order.ship_country, ship_city=order.ship_city, ship_address=order.ship_address,
        ship_postcode=order.ship_postcode, id_last_four=order.id_number[-4:] if order.id_number else None,
        currency=order.currency, goods_cny=order.goods_cny, shipping_cny=order.shipping_cny, tax_cny=order.tax_cny,
        total_cny=order.total_cny, total_in_currency=order.total_in_currency(), placed_at=aware(order.placed_at),
        paid_at=aware(order.paid_at), cancelled_at=aware(order.cancelled_at), lines=lines,
        payments=[PaymentView(provider=p.provider, provider_ref=p.provider_ref, amount_minor=p.amount_minor,
                              currency=p.currency, status=p.status, created_at=aware(p.created_at),
                              updated_at=aware(p.updated_at)) for p in paid],
        payment_issues=payments.payment_issues(order.number), shipments=shipments,
        notes=[NoteView(at=aware(n.created_at), who=emails.get(n.user_id) if n.user_id else None, body=n.body)
               for n in notes],
        timeline=timeline,
        can_cancel=can(order.status, OrderEvent.CANCEL, cash_on_delivery=order.payment_method == "cod"),
        discount_code=order.discount_redemption.code if order.discount_redemption else None,
        discount_cny=order.discount_redemption.total_cny if order.discount_redemption else Decimal(0))


def _timeline(order: Order, buyer: str | None, audits: list[AuditLog], moves: list[tuple[StockMove, str]],
              paid: list[Payment], notes: list[OrderNote], emails: dict[int, str]) -> list[TimelineEntry]:
    def who(user_id: int | None) -> str | None:
        return emails.get(user_id) if user_id is not None else None

    cancels = [a for a in audits if a.action == "order.cancel"]
    entries = [TimelineEntry(aware(order.placed_at), "placed", buyer or order.email, {"guest": buyer is None})]
    if order.paid_at:
        succeeded = [p for p in paid if p.status in ("succeeded", "refund_pending", "refunded", "refund_failed")]
        entries.append(TimelineEntry(aware(order.paid_at), "paid", None,
                                     {"provider": succeeded[-1].provider if succeeded else order.payment_method}))
    if order.cancelled_at:
        by = cancels[-1] if cancels else None
        entries.append(TimelineEntry(aware(order.cancelled_at), "cancelled", who(by.user_id) if by else None,
                                     dict(by.data or {}) if by else {}))
    for row in audits:
        if row.action == "order.cancel" and order.cancelled_at:
            continue  # told by the cancelled entry, with who
        entries.append(TimelineEntry(aware(row.created_at), row.action, who(row.user_id), dict(row.data or {})))
    for move, lot_number in moves:
        entries.append(TimelineEntry(aware(move.created_at), "stock", who(move.user_id),
                                     {"kind": move.kind, "lot": lot_number, "on_hand": move.on_hand_delta,
                                      "reserved": move.reserved_delta, "note": move.note}))
    for payment in paid:
        entries.append(TimelineEntry(aware(payment.created_at), "payment", None,
                                     {"provider": payment.provider, "status": payment.status,
                                      "amount_minor": payment.amount_minor, "currency": payment.currency}))
    for note in notes:
        entries.append(TimelineEntry(aware(note.created_at), "note", who(note.user_id), {}))
    return sorted(entries, key=lambda entry: entry.at)


def _carrier_timeline(number: str) -> list[TimelineEntry]:
    """What the carriers (or staff, by hand) reported for the order's parcels after they left the zone."""
    return [TimelineEntry(event.at, "carrier", event.who, {"status": event.status, "place": event.place,
                                                            "note": event.note, "waybill": event.tracking_number,
                                                            "source": event.source})
            for events in tracking.events_by_shipment(number).values() for event in events]


# ---- notes ------------------------------------------------------------------------------------

def clean_note(text: str) -> str:
    """The note as kept: surrounding space trimmed, line ends made \\n; refused when empty, too long or
    carrying control characters."""
    body = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not body:
        raise NoteRefused("note_empty")
    if _CONTROL.search(body):
        raise NoteRefused("note_control_characters")
    if len(body) > NOTE_MAX:
        raise NoteRefused("note_too_long")
    return body


def add_note(number: str, user_id: int | None, text: str) -> NoteView:
    """Keep a staff note on an order."""
    body = clean_note(text)
    with write_transaction():
        order = _find(number)
        note = OrderNote(order_id=order.id, user_id=user_id, body=body)
        db.session.add(note)
        db.session.flush()
        view = NoteView(at=aware(note.created_at), who=_emails({user_id}).get(user_id) if user_id else None,
                        body=note.body)
    return view

