"""A wave's pick list (the walk through the bins, the totes) and the picker's confirmation, which
takes the units off hand and out of the reservation in the stock ledger."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from shop.database import write_transaction
from shop.domain import picking
from shop.extensions import db
from shop.models import Allocation, Departure, Lot, OrderLine, Product, Shipment, StockMove, Wave
from shop.services import locking
from shop.services.audit import audit as _audit
from shop.services.fulfilment.errors import LotQuarantined, NothingAllocated, NotInWave, StockMismatch, WrongStatus
from shop.services.fulfilment.locks import lock_order
from shop.services.fulfilment.parcels import (
    DONE_SHIPMENT_STATUSES,
    IN_WAVE_STATUSES,
    S,
    is_picked,
    picked_lots,
    product_name,
)
from shop.services.fulfilment.waves import get_wave, shipment_in_wave


@dataclass(frozen=True)
class Tote:
    """One order's share of the wave: what goes into its tote, and how far it got."""

    number: int
    order_number: str
    shipment_id: int
    shipment_status: str
    order_status: str
    cash_on_delivery: bool
    picked: bool
    waybill: str | None
    lines: tuple[picking.PickLine, ...]

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)


@dataclass(frozen=True)
class PickList:
    """The wave's walk through the warehouse (to pick) and its totes (all, with their progress)."""

    wave: Wave
    departure: Departure
    walk: tuple[tuple[picking.PickLine, int], ...]  # (line, tote number), in pick-path order
    totes: tuple[Tote, ...]

    @property
    def to_pick(self) -> tuple[Tote, ...]:
        return tuple(t for t in self.totes if t.shipment_status == "picking" and not t.picked)

    @property
    def units(self) -> int:
        return sum(line.quantity for line, _ in self.walk)


def _wave_shipments(departure_id: int, statuses: Iterable[str] = IN_WAVE_STATUSES) -> list[Shipment]:
    return list(db.session.scalars(
        sa.select(Shipment).where(Shipment.departure_id == departure_id, Shipment.status.in_(statuses))
        .order_by(Shipment.id).options(
            selectinload(Shipment.order),
            selectinload(Shipment.lines).selectinload(OrderLine.allocations).selectinload(Allocation.lot),
            selectinload(Shipment.lines).selectinload(OrderLine.product).selectinload(Product.translations))))


def pick_list(wave_id: int, lang: str) -> PickList:
    """The wave's pick list in `lang`: the lines still to take walk the bins in order (domain pick_path),
    each naming lot, expiry, bin and quantity; totes are numbered in the order the walk first meets them."""
    wave = get_wave(wave_id)
    shipments = _wave_shipments(wave.departure_id)
    picked = picked_lots(s.order_id for s in shipments)
    lines_of: dict[int, list[picking.PickLine]] = {}
    for shipment in shipments:
        number = shipment.order.number
        lines_of[shipment.id] = [
            picking.PickLine(order_number=number, sku=line.sku, name=product_name(line, lang),
                             lot_number=allocation.lot.lot_number, expiry=allocation.lot.expiry,
                             bin=allocation.lot.bin, quantity=allocation.quantity)
            for line in shipment.lines for allocation in line.allocations]
    pending = [s for s in shipments if s.status == "picking" and not is_picked(s, picked)]
    walk = picking.pick_path(line for s in pending for line in lines_of[s.id])
    # Totes are numbered by where the walk over the whole wave first meets them, so a reprint
    # halfway through the wave keeps the numbers already written on the totes.
    whole_walk = picking.pick_path(line for s in shipments for line in lines_of[s.id])
    rank = {number: i for i, number in enumerate(picking.group_by_tote(whole_walk))}
    ordered = sorted(shipments, key=lambda s: (rank.get(s.order.number, len(rank)), s.id))
    totes = []
    for index, shipment in enumerate(ordered, start=1):
        totes.append(Tote(
            number=index, order_number=shipment.order.number, shipment_id=shipment.id,
            shipment_status=shipment.status, order_status=shipment.order.status,
            cash_on_delivery=shipment.order.payment_method == "cod", picked=is_picked(shipment, picked),
            waybill=shipment.waybill, lines=tuple(picking.pick_path(lines_of[shipment.id]))))
    tote_number = {t.order_number: t.number for t in totes}
    return PickList(wave=wave, departure=wave.departure, totes=tuple(totes),
                    walk=tuple((line, tote_number[line.order_number]) for line in walk))


@dataclass(frozen=True)
class Picked:
    order_number: str
    moves: int
    already: bool


def confirm_picked(wave_id: int, order_number: str, user_id: int | None) -> Picked:
    """The picker confirms an order's tote is full: one 'pick' row per allocation takes the units off hand and
    out of the reservation together. Confirming again changes nothing."""
    with write_transaction():
        order = lock_order(order_number)
        wave = get_wave(wave_id)
        shipment = shipment_in_wave(wave, order)
        if shipment.status in DONE_SHIPMENT_STATUSES:
            return Picked(order.number, 0, True)
        if shipment.status == "pending":
            raise NotInWave(order.number)
        if shipment.status != "picking" or order.status != S.PICKING.value:
            raise WrongStatus(order.number, order.status, "pick")
        if is_picked(shipment, picked_lots([order.id])):
            return Picked(order.number, 0, True)
        allocations = [a for line in shipment.lines for a in line.allocations]
        if not allocations:
            raise NothingAllocated(order.number)
        lots = {lot.id: lot for lot in locking.lock_lots(Lot.id.in_({a.lot_id for a in allocations}))}
        for allocation in sorted(allocations, key=lambda a: (a.lot_id, a.id)):
            lot = lots[allocation.lot_id]
            if lot.customs_status == "quarantined":
                raise LotQuarantined(order.number, lot.lot_number)
            if lot.reserved < allocation.quantity or lot.on_hand < allocation.quantity:
                raise StockMismatch(order.number, lot.lot_number)
            lot.on_hand -= allocation.quantity
            lot.reserved -= allocation.quantity
            db.session.add(StockMove(lot_id=lot.id, kind="pick", on_hand_delta=-allocation.quantity,
                                     reserved_delta=-allocation.quantity, order_id=order.id, user_id=user_id,
                                     note=f"{order.number} wave {wave.id}"))
        _audit(user_id, "order.pick", "order", order.number,
               {"wave": wave.id, "shipment": shipment.id,
                "lots": {lots[a.lot_id].lot_number: a.quantity for a in allocations}})
        return Picked(order.number, len(allocations), False)
