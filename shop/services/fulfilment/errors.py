"""The desk actions' refusals (the web layer words them): when one is raised, nothing was changed."""
from __future__ import annotations


class FulfilmentError(Exception):
    """A desk action the rules refuse; nothing was changed."""


class NotFound(FulfilmentError):
    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"{kind} {key} not found")
        self.kind, self.key = kind, key


class NothingToPick(FulfilmentError):
    """No paid or confirmed order travels on this departure yet, so there is no wave to build."""


class NotInWave(FulfilmentError):
    def __init__(self, order_number: str) -> None:
        super().__init__(order_number)
        self.order_number = order_number


class NotPicked(FulfilmentError):
    """Packing before the picking was confirmed."""

    def __init__(self, order_number: str) -> None:
        super().__init__(order_number)
        self.order_number = order_number


class NotPacked(FulfilmentError):
    """A parcel label asked for before the parcel has a waybill number."""

    def __init__(self, order_number: str) -> None:
        super().__init__(order_number)
        self.order_number = order_number


class WrongStatus(FulfilmentError):
    """The order's status forbids `action` (pick, pack, deliver, customs)."""

    def __init__(self, order_number: str, status: str, action: str) -> None:
        super().__init__(f"{order_number} is {status}: cannot {action}")
        self.order_number, self.status, self.action = order_number, status, action


class NothingAllocated(FulfilmentError):
    """The parcel has no stock allocated to it, so there is nothing to pick (checkout left it incomplete)."""

    def __init__(self, order_number: str) -> None:
        super().__init__(order_number)
        self.order_number = order_number


class LotQuarantined(FulfilmentError):
    """Customs put the lot in quarantine after it was allocated: its goods may not leave."""

    def __init__(self, order_number: str, lot_number: str) -> None:
        super().__init__(f"{order_number}: lot {lot_number}")
        self.order_number, self.lot_number = order_number, lot_number


class StockMismatch(FulfilmentError):
    """The lot no longer holds the reservation the allocation expects (released or adjusted)."""

    def __init__(self, order_number: str, lot_number: str) -> None:
        super().__init__(f"{order_number}: lot {lot_number}")
        self.order_number, self.lot_number = order_number, lot_number
