"""The errors placing or changing an order raises; the web edge words them for the buyer."""
from __future__ import annotations

from decimal import Decimal


class OrderingError(Exception):
    """Base of the errors placing or changing an order."""


class EmptyCart(OrderingError):
    pass


class ProductUnavailable(OrderingError):
    def __init__(self, skus: list[str]) -> None:
        super().__init__(", ".join(skus))
        self.skus = skus


class OutOfStock(OrderingError):
    """Some products cannot be reserved; `shortages` maps product name -> (wanted, available)."""

    def __init__(self, shortages: dict[str, tuple[int, int]]) -> None:
        super().__init__(shortages)
        self.shortages = shortages


class UnknownLine(OrderingError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class LineNotAvailable(OrderingError):
    """The chosen line (or split) cannot carry this order to this destination now."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class NoShippingOption(OrderingError):
    pass


class DepartureFull(OrderingError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class ImportLimitExceeded(OrderingError):
    """A cross-border import over the per-order or the annual limit (kind 'order' | 'annual')."""

    def __init__(self, kind: str, value: Decimal, limit: Decimal, remaining: Decimal | None = None) -> None:
        super().__init__(kind, value)
        self.kind, self.value, self.limit, self.remaining = kind, value, limit, remaining


class IdentityRequired(OrderingError):
    pass


class OrderNotFound(OrderingError):
    pass


class CannotCancel(OrderingError):
    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


class CannotDeliver(OrderingError):
    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status
