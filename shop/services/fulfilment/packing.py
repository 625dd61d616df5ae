"""Packing: a picked parcel is closed with its waybill number; the order is packed once all its
parcels are."""
from __future__ import annotations

from dataclasses import dataclass

from shop.database import write_transaction
from shop.domain import orders, picking
from shop.services.audit import audit as _audit
from shop.services.fulfilment.errors import NotInWave, NotPicked, WrongStatus
from shop.services.fulfilment.locks import lock_order
from shop.services.fulfilment.parcels import DONE_SHIPMENT_STATUSES, S, is_picked, picked_lots
from shop.services.fulfilment.waves import get_wave, shipment_in_wave


@dataclass(frozen=True)
class Packed:
    order_number: str
    waybill: str
    order_status: str
    already: bool


def pack(wave_id: int, order_number: str, user_id: int | None) -> Packed:
    """Close the order's parcel for this departure: it gets its waybill number (the line's prefix and the
    shipment's number from the database sequence, with a check digit), and the order is packed once all its
    parcels are."""
    with write_transaction():
        order = lock_order(order_number)
        wave = get_wave(wave_id)
        shipment = shipment_in_wave(wave, order)
        if shipment.status in DONE_SHIPMENT_STATUSES:
            return Packed(order.number, shipment.waybill or "", order.status, True)
        if shipment.status == "pending":
            raise NotInWave(order.number)
        if shipment.status != "picking" or order.status != S.PICKING.value:
            raise WrongStatus(order.number, order.status, "pack")
        if not is_picked(shipment, picked_lots([order.id])):
            raise NotPicked(order.number)
        # The shipment's primary key is a sequence the database keeps unique, so the serial
        # (and the waybill) is too, whatever the line's prefix.
        shipment.waybill = picking.waybill_number(shipment.line.code, shipment.id)
        shipment.status = "packed"
        live = [s for s in order.shipments if s.status != "cancelled"]
        if all(s.status in DONE_SHIPMENT_STATUSES for s in live):
            orders.apply_event(order, orders.OrderEvent.PACK)
        _audit(user_id, "shipment.pack", "order", order.number,
               {"wave": wave.id, "shipment": shipment.id, "waybill": shipment.waybill, "status": order.status})
        return Packed(order.number, shipment.waybill, order.status, False)
