"""Placing an order: plan it without locks, then in one write transaction reserve FEFO stock,
write the order with its shipments and lines, and book the departures last. The same
idempotency key always gives the same order."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from shop.database import write_transaction
from shop.domain import allocation, money, orders, routing
from shop.extensions import db
from shop.models import Allocation as AllocationRow
from shop.models import CartItem, Lot, Order, OrderLine, Shipment, StockMove, utcnow
from shop.services import addresses, discounts, locking, outbox, ports
from shop.services.ordering import bookings, cash, planning
from shop.services.ordering.errors import OutOfStock
from shop.services.ordering.planning import Plan, ShippingAddress
from shop.services.ordering.reading import find_by_key

_NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class PlacedOrder:
    number: str
    status: str
    payment_method: str
    created: bool


def _new_number(now: dt.datetime) -> str:
    day = now.astimezone(routing.SHANGHAI).strftime("%y%m%d")
    return f"KS{day}-" + "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(5))


def place_order(*, user_id: int | None, email: str, lang: str, items: list[tuple[int, int]],
                address: ShippingAddress, line: str, payment_method: str, currency: str, idempotency_key: str,
                id_name: str | None = None, id_number: str | None = None,
                now: dt.datetime | None = None, discount_code: str | None = None,
                address_latin: str | None = None) -> PlacedOrder:
    """Place an order in one transaction; the same idempotency key always gives the same order.

    `user_id` None is a guest's order (mail goes to `email`); `address_latin` is the Latin form of
    the address as the buyer corrected it (made from the address when None).
    Raises EmptyCart, ProductUnavailable, OutOfStock, UnknownLine, LineNotAvailable,
    NoShippingOption, DepartureFull, IdentityRequired, ImportLimitExceeded or (for
    `discount_code`) DiscountRefused; nothing is kept then.
    """
    now = now or utcnow()
    existing = find_by_key(idempotency_key)
    if existing is None:
        # Quoting and checking take no lock; the transaction only reserves and writes.
        planned = planning.plan(lang=lang, items=items, address=address, line=line, currency=currency,
                                id_name=id_name, id_number=id_number, now=now, discount_code=discount_code,
                                buyer=discounts.Buyer(user_id, email, id_number))
    try:
        with write_transaction():
            existing = existing or find_by_key(idempotency_key)
            if existing is not None:
                return PlacedOrder(existing.number, existing.status, existing.payment_method, False)
            order = _place(planned, user_id=user_id, email=email, lang=lang, address=address,
                           payment_method=payment_method, idempotency_key=idempotency_key, now=now,
                           address_latin=address_latin or addresses.latin_block(address.as_dict()))
            placed = PlacedOrder(order.number, order.status, order.payment_method, True)
    except IntegrityError:
        # Another request with the same key won the race (PostgreSQL): answer with its order.
        db.session.rollback()
        existing = find_by_key(idempotency_key)
        if existing is None:
            raise
        return PlacedOrder(existing.number, existing.status, existing.payment_method, False)
    return placed


def _fix_cash_due(order: Order) -> None:
    """Cash on delivery: the courier collects the destination's money, at today's rate."""
    due = cash.cash_due(order.ship_country, order.total_cny)
    order.cod_currency, order.cod_rate, order.cod_amount = due.currency, due.rate, due.amount


def _place(plan: Plan, *, user_id: int | None, email: str, lang: str, address: ShippingAddress,
           payment_method: str, idempotency_key: str, now: dt.datetime, address_latin: str) -> Order:
    """Inside the write transaction: reserve FEFO stock, book the departures, write the order."""
    product_ids = [g.id for g, _ in plan.goods]
    # The discount code, lots, then departures (see shop/services/locking.py): concurrent orders
    # queue, never deadlock.
    redemption = None
    if plan.discount is not None:
        redemption = discounts.take_use(plan.discount, discounts.Buyer(user_id, email, plan.id_number),
                                        plan.discount_lines, plan.shipping_discount_cny, now)
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

    shipping_cny = money.round_amount(option.cost)
    tax_cny = money.round_amount(option.taxes)
    order = Order(
        number=_new_number(now), user_id=user_id, email=email, lang=lang, flow=plan.flow,
        status=orders.initial_status(cash_on_delivery=payment_method == "cod").value,
        payment_method=payment_method, currency=plan.currency, exchange_rate=plan.rate,
        goods_cny=plan.goods_cny, shipping_cny=shipping_cny, tax_cny=tax_cny,
        total_cny=plan.goods_cny + shipping_cny + tax_cny - plan.discount_cny,
        ship_name=address.name, ship_phone=address.phone, ship_country=address.country.upper(),
        ship_city=address.city, ship_address=address.address, ship_postcode=address.postcode,
        ship_address_latin=address_latin[:600],
        id_name=plan.id_name, id_number=plan.id_number, idempotency_key=idempotency_key,
        payment_deadline=(now + dt.timedelta(minutes=settings.payment_deadline_minutes)
                          if payment_method == "stripe" else None),
        placed_at=now,
    )
    if payment_method == "cod":
        _fix_cash_due(order)
    db.session.add(order)
    if redemption is not None:
        redemption.order = order
        db.session.add(redemption)

    shipment_of_sku: dict[str, Shipment] = {}
    loads: bookings.Loads = {}
    for planned in option.shipments:
        line_id, capacity_kg, capacity_m3 = plan.lines[planned.line]
        departure_id = bookings.departure_id(line_id, planned.departure)
        kg, m3 = bookings.load_of([(by_sku[sku], q) for sku, q in planned.items])
        before = loads.get(departure_id, (planned.line, Decimal(0), Decimal(0), capacity_kg, capacity_m3))
        loads[departure_id] = (planned.line, before[1] + kg, before[2] + m3, capacity_kg, capacity_m3)
        shipment = Shipment(line_id=line_id, departure_id=departure_id,
                            chargeable_weight_g=planned.chargeable_weight_g, cost_cny=Decimal(planned.cost),
                            delivery_earliest=planned.delivery_earliest, delivery_latest=planned.delivery_latest)
        order.shipments.append(shipment)
        for sku, _ in planned.items:
            shipment_of_sku[sku] = shipment

    lots_by_id: dict[int | str, Lot] = {lot.id: lot for lot in lots}
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
        addresses.remember_address(user_id, address.as_dict(), latin=address_latin)
        # The cart becomes the order in the same transaction: no moment with both, and a
        # buyer whose order fails keeps the cart.
        db.session.execute(sa.delete(CartItem).where(CartItem.user_id == user_id,
                                                     CartItem.product_id.in_(product_ids)))
    outbox.enqueue(email, "order_placed", lang, order=outbox.order_params(order, lang),
                   minutes=settings.payment_deadline_minutes, link=outbox.order_link(order, lang))
    db.session.flush()
    bookings.book(loads)
    return order
