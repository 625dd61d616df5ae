"""The words people read for the shop's codes, shared by every area (buyer, desk, portal)."""
from flask_babel import lazy_gettext as _l

ORDER_STATUS = {
    "pending_payment": _l("Awaiting payment"),
    "confirmed": _l("Confirmed"),
    "paid": _l("Paid"),
    "picking": _l("Being picked"),
    "packed": _l("Packed"),
    "shipped": _l("Shipped"),
    "delivered": _l("Delivered"),
    "cancelled": _l("Cancelled"),
    "refunded": _l("Refunded"),
    "partially_refunded": _l("Partly refunded"),
    "returned": _l("Returned"),
}
LOT_STATUS = {"bonded": _l("Bonded"), "released": _l("Released"), "quarantined": _l("Quarantined")}


def label(table: dict, code: str) -> str:
    """The translated word for `code` in `table`, or the code itself when it has none."""
    value = table.get(code)
    return str(value) if value is not None else code


# What the carrier reports for a parcel after it left the zone (shop.domain.tracking.CarrierStatus).
CARRIER_STATUS = {
    "in_transit": _l("In transit"),
    "arrived_hub": _l("Arrived at a sorting hub"),
    "customs_cleared": _l("Cleared customs"),
    "out_for_delivery": _l("Out for delivery"),
    "delivered": _l("Delivered"),
    "failed": _l("Delivery attempt failed"),
    "returned": _l("Returned to sender"),
}
