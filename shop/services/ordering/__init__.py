"""Orders: quote a cart, place it (reserve FEFO stock, book departures, freeze prices) in one
transaction, and move it through its life (pay, expire, cancel, deliver) by the state machine.

One job per module: `quoting` (shipping options), `planning` (what is decided before any lock),
`placing` (the write transaction), `bookings` (departure space), `reservations` (what an order
holds, payment and expiry), `closing` (cancelling, delivery), `reading` (orders for a viewer),
`amounts` (an order's money). The names callers use are gathered here.
"""
from shop.services.ordering.amounts import CENT, total_in
from shop.services.ordering.cash import CashDue, cash_due
from shop.services.ordering.cash import currency_for as cash_currency_for
from shop.services.ordering.closing import cancel_order, lock_order, record_delivery
from shop.services.ordering.errors import (
    CannotCancel,
    CannotDeliver,
    DepartureFull,
    EmptyCart,
    IdentityRequired,
    ImportLimitExceeded,
    LineNotAvailable,
    NoShippingOption,
    OrderingError,
    OrderNotFound,
    OutOfStock,
    ProductUnavailable,
    UnknownLine,
)
from shop.services.ordering.placing import PlacedOrder, place_order
from shop.services.ordering.planning import (
    PAID_STATUSES,
    ShippingAddress,
    check_import_allowance,
    paid_import_value,
)
from shop.services.ordering.quoting import (
    choose_option,
    latest_rates,
    line_codes,
    option_value,
    quote_items,
    sent_this_month,
)
from shop.services.ordering.reading import deadline_of, find_by_key, order_for_viewer, order_opened_by, orders_of
from shop.services.ordering.reservations import Aftermath, expire_overdue, mark_paid

__all__ = [
    "CENT", "PAID_STATUSES",
    "Aftermath", "CashDue", "PlacedOrder", "ShippingAddress",
    "CannotCancel", "CannotDeliver", "DepartureFull", "EmptyCart", "IdentityRequired", "ImportLimitExceeded",
    "LineNotAvailable", "NoShippingOption", "OrderNotFound", "OrderingError", "OutOfStock", "ProductUnavailable",
    "UnknownLine",
    "cash_currency_for", "cash_due",
    "cancel_order", "check_import_allowance", "choose_option", "deadline_of", "expire_overdue", "find_by_key",
    "latest_rates", "line_codes", "lock_order", "mark_paid", "option_value", "order_for_viewer", "order_opened_by",
    "orders_of", "paid_import_value", "place_order", "quote_items", "record_delivery", "sent_this_month", "total_in",
]
