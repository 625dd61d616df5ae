"""What the desk reads of a parcel (a shipment): the statuses it moves through, whether the ledger
holds its pick, and its goods' weight, value and names."""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import sqlalchemy as sa

from shop.domain import money, orders
from shop.extensions import db
from shop.models import OrderLine, Shipment, StockMove

S = orders.OrderStatus
# Orders whose shipments a wave takes: paid, COD-confirmed, or already picking another shipment
# of a split order on an earlier departure.
WAVE_ORDER_STATUSES = (S.PAID.value, S.CONFIRMED.value, S.PICKING.value)
READY_ORDER_STATUSES = (S.PAID.value, S.CONFIRMED.value)
ACTIVE_SHIPMENT_STATUSES = ("pending", "picking", "packed")
IN_WAVE_STATUSES = ("picking", "packed", "shipped", "delivered")
DONE_SHIPMENT_STATUSES = ("packed", "shipped", "delivered")
CENT = Decimal("0.01")


def picked_lots(order_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(order id, lot id) pairs the ledger holds a pick for."""
    ids = list(set(order_ids))
    if not ids:
        return set()
    rows = db.session.execute(sa.select(StockMove.order_id, StockMove.lot_id).where(
        StockMove.kind == "pick", StockMove.order_id.in_(ids)).distinct())
    return {(order_id, lot_id) for order_id, lot_id in rows if order_id is not None}


def is_picked(shipment: Shipment, picked: set[tuple[int, int]]) -> bool:
    # Lots are per product and a product is on one line of one shipment, so the lots of a
    # shipment's allocations are its own: a pick row on one of them is this shipment's pick.
    lots = {a.lot_id for line in shipment.lines for a in line.allocations}
    return bool(lots) and all((shipment.order_id, lot_id) in picked for lot_id in lots)


def goods_weight_g(lines: Iterable[OrderLine]) -> int:
    return sum(line.product.weight_g * line.quantity for line in lines)


def goods_value_cny(lines: Iterable[OrderLine]) -> Decimal:
    return money.round_amount(sum((Decimal(line.unit_price_cny) * line.quantity for line in lines), Decimal(0)))


def product_name(line: OrderLine, lang: str) -> str:
    """The product's name in `lang` (else English), or the name frozen on the order line."""
    text = line.product.text(lang) if line.product is not None else None
    return text.name if text is not None else line.name
