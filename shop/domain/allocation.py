"""FEFO allocation of order lines to bonded lots: the first to expire goes first, never one that expires in transit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import NamedTuple


class CustomsStatus(str, Enum):
    """Where a lot stands with customs; quarantined stock is held and never allocated."""

    BONDED = "bonded"
    RELEASED = "released"
    QUARANTINED = "quarantined"


class AllocationError(Exception):
    """Base class of the allocation errors."""


class InvalidQuantity(AllocationError, ValueError):
    """A quantity that is not a whole number of units (positive for order lines)."""

    def __init__(self, quantity: object, what: str) -> None:
        self.quantity = quantity
        super().__init__(f"invalid {what} quantity {quantity!r}")


class Shortage(NamedTuple):
    """How many units of a SKU were wanted and how many could be allocated."""

    wanted: int
    available: int


class InsufficientStock(AllocationError):
    """Some lines cannot be filled; `shortages` names every short SKU, not just the first."""

    def __init__(self, shortages: dict[str, Shortage]) -> None:
        self.shortages = shortages
        detail = ", ".join(
            f"{sku}: wanted {s.wanted}, available {s.available}" for sku, s in shortages.items()
        )
        super().__init__(f"insufficient stock ({detail})")


def _check_units(quantity: object, what: str, *, minimum: int) -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < minimum:
        raise InvalidQuantity(quantity, what)


@dataclass(frozen=True)
class LotStock:
    """What one lot can give right now: units not yet reserved or picked."""

    lot_id: int | str  # ids must be comparable: they break FEFO ties
    sku: str
    available: int
    expiry: date | None
    bin: str
    customs_status: CustomsStatus | str

    def __post_init__(self) -> None:
        _check_units(self.available, "available", minimum=0)
        object.__setattr__(self, "customs_status", CustomsStatus(self.customs_status))

    def usable_by(self, usable_after: date) -> bool:
        """True when the lot may be allocated to an order arriving by `usable_after`."""
        if self.customs_status is CustomsStatus.QUARANTINED or self.available == 0:
            return False
        return self.expiry is None or self.expiry >= usable_after


@dataclass(frozen=True)
class OrderLine:
    """A SKU and how many units of it an order wants."""

    sku: str
    quantity: int

    def __post_init__(self) -> None:
        _check_units(self.quantity, "order line", minimum=1)


@dataclass(frozen=True)
class Allocation:
    """Units of a SKU to take from one lot."""

    sku: str
    lot_id: int | str
    quantity: int


def _fefo_key(lot: LotStock) -> tuple[bool, date, int | str]:
    # Lots that never expire go last; lot_id breaks ties so the choice is repeatable.
    return (lot.expiry is None, lot.expiry or date.min, lot.lot_id)


def usable_lots(lots: Iterable[LotStock], sku: str, *, usable_after: date) -> list[LotStock]:
    """The lots of `sku` that may be allocated, in the order FEFO takes them."""
    return sorted(
        (lot for lot in lots if lot.sku == sku and lot.usable_by(usable_after)), key=_fefo_key
    )


def usable_quantity(lots: Iterable[LotStock], sku: str, *, usable_after: date) -> int:
    """Units of `sku` that an order arriving by `usable_after` could get."""
    return sum(lot.available for lot in usable_lots(lots, sku, usable_after=usable_after))


def allocate(
    lines: Iterable[OrderLine], lots: Iterable[LotStock], *, usable_after: date
) -> list[Allocation]:
    """Allocate every line to lots, first expiry first, or raise one InsufficientStock for all shortages.

    `usable_after` is the last day a lot must still be good on: the delivery date plus a
    margin, computed by the caller. Lines of the same SKU are filled together. The result
    lists SKUs in the order they first appear, each SKU's lots in FEFO order. Inputs are
    not modified.
    """
    lots = list(lots)
    seen_ids: set[int | str] = set()
    for lot in lots:
        if lot.lot_id in seen_ids:
            raise ValueError(f"lot {lot.lot_id!r} is listed twice")
        seen_ids.add(lot.lot_id)

    wanted: dict[str, int] = {}
    for line in lines:
        wanted[line.sku] = wanted.get(line.sku, 0) + line.quantity

    allocations: list[Allocation] = []
    shortages: dict[str, Shortage] = {}
    for sku, quantity in wanted.items():
        candidates = usable_lots(lots, sku, usable_after=usable_after)
        available = sum(lot.available for lot in candidates)
        if available < quantity:
            shortages[sku] = Shortage(quantity, available)
            continue
        remaining = quantity
        for lot in candidates:
            take = min(remaining, lot.available)
            allocations.append(Allocation(sku, lot.lot_id, take))
            remaining -= take
            if remaining == 0:
                break
    if shortages:
        raise InsufficientStock(shortages)
    return allocations
