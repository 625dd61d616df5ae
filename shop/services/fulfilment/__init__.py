"""Fulfilment: the desk's departure board, a wave per departure and its pick list, picking into the
stock ledger, packing with waybill numbers, shipping a departure, recording delivery, and the data
the printed documents show.

Shipments move pending -> picking (in a wave) -> packed -> shipped -> delivered; an order follows
through the domain state machine: picking when its first shipment joins a wave, packed when all its
shipments are packed, shipped when all have left. Whether a shipment was picked is read from the
ledger itself (its 'pick' rows), so there is one record of it.

One job per module: `board` (the desk's board), `waves`, `picklists` (pick lists, totes, the
picker's confirmation), `packing`, `shipping` (departures leaving, delivery), `lookups` and
`paperwork` (what pages and printed documents read), beside `parcels` (statuses and a parcel's
goods), `locks` and `errors`. The names callers use are gathered here.
"""
from shop.database import aware  # the desk pages show its moments
from shop.services.fulfilment.board import DepartureLoad, LineBoard, board, open_waves
from shop.services.fulfilment.errors import (
    FulfilmentError,
    LotQuarantined,
    NotFound,
    NothingAllocated,
    NothingToPick,
    NotInWave,
    NotPacked,
    NotPicked,
    StockMismatch,
    WrongStatus,
)
from shop.services.fulfilment.lookups import (
    departure_shipments,
    find,
    get_departure,
    get_order,
    get_shipment,
    label_shipment,
)
from shop.services.fulfilment.packing import Packed, pack
from shop.services.fulfilment.paperwork import (
    KASHGAR_CLOCK,
    MANIFEST_COLUMNS,
    Manifest,
    ManifestParcel,
    crosses_border,
    customs_order,
    customs_records,
    manifest,
)
from shop.services.fulfilment.parcels import (
    ACTIVE_SHIPMENT_STATUSES,
    CENT,
    DONE_SHIPMENT_STATUSES,
    IN_WAVE_STATUSES,
    READY_ORDER_STATUSES,
    WAVE_ORDER_STATUSES,
    S,
    goods_value_cny,
    goods_weight_g,
    product_name,
)
from shop.services.fulfilment.picklists import Picked, PickList, Tote, confirm_picked, pick_list
from shop.services.fulfilment.shipping import Delivered, Shipped, record_delivery, ship_departure
from shop.services.fulfilment.waves import WaveBuilt, build_wave, get_wave, wave_for_departure

__all__ = [
    "ACTIVE_SHIPMENT_STATUSES", "CENT", "DONE_SHIPMENT_STATUSES", "IN_WAVE_STATUSES", "KASHGAR_CLOCK",
    "MANIFEST_COLUMNS", "crosses_border", "READY_ORDER_STATUSES", "S", "WAVE_ORDER_STATUSES",
    "Delivered", "DepartureLoad", "LineBoard", "Manifest", "ManifestParcel", "Packed", "PickList", "Picked",
    "Shipped", "Tote", "WaveBuilt",
    "FulfilmentError", "LotQuarantined", "NotFound", "NotInWave", "NotPacked", "NotPicked", "NothingAllocated",
    "NothingToPick", "StockMismatch", "WrongStatus",
    "aware", "board", "build_wave", "confirm_picked", "customs_order", "customs_records", "departure_shipments",
    "find", "get_departure", "get_order", "get_shipment", "get_wave", "goods_value_cny", "goods_weight_g",
    "label_shipment", "manifest", "open_waves", "pack", "pick_list", "product_name", "record_delivery",
    "ship_departure", "wave_for_departure",
]
