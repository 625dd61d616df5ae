"""Bonded-stock reconciliation: per customs entry (import declaration) and per lot, what the stock ledger
says entered, left sold and shipped, came back, was adjusted and is on hand, beside what the lot row holds.
Customs reads it to check that the bond balances; a merchant sees only the entries of its own lots."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from shop.extensions import db
from shop.models import Lot, Merchant, Product, StockMove

__all__ = ["CSV_COLUMNS", "EntryBalance", "LotBalance", "Reconciliation", "csv_rows", "entry_from",
           "reconciliation"]

CSV_COLUMNS = ("customs_entry", "lot_number", "sku", "merchant", "customs_status", "expiry", "entered",
               "sold_shipped", "returned", "adjusted", "on_hand_ledger", "on_hand_recorded", "reserved", "balanced")
_ENTRY = re.compile(r"^[A-Za-z0-9_./-]{1,40}$")


@dataclass(frozen=True)
class LotBalance:
    """One lot's ledger: units in by intake, out by picking (sold and shipped), back by returns, and the
    signed sum of adjustments. `on_hand_ledger` is the sum of every on-hand change the ledger holds."""

    lot_id: int
    lot_number: str
    customs_entry: str
    sku: str
    merchant: str
    customs_status: str
    expiry: dt.date | None
    entered: int
    sold_shipped: int
    returned: int
    adjusted: int
    on_hand_ledger: int
    on_hand_recorded: int
    reserved: int

    @property
    def balanced(self) -> bool:
        """The ledger's on hand is the lot's, and in, out, back and adjusted add up to it."""
        return (self.on_hand_ledger == self.on_hand_recorded
                == self.entered - self.sold_shipped + self.returned + self.adjusted)


@dataclass
class EntryBalance:
    """One customs entry: its lots and their sums."""

    customs_entry: str
    lots: list[LotBalance] = field(default_factory=list)

    def _sum(self, name: str) -> int:
        return sum(int(getattr(lot, name)) for lot in self.lots)

    @property
    def entered(self) -> int:
        return self._sum("entered")

    @property
    def sold_shipped(self) -> int:
        return self._sum("sold_shipped")

    @property
    def returned(self) -> int:
        return self._sum("returned")

    @property
    def adjusted(self) -> int:
        return self._sum("adjusted")

    @property
    def on_hand_ledger(self) -> int:
        return self._sum("on_hand_ledger")

    @property
    def on_hand_recorded(self) -> int:
        return self._sum("on_hand_recorded")

    @property
    def reserved(self) -> int:
        return self._sum("reserved")

    @property
    def balanced(self) -> bool:
        return all(lot.balanced for lot in self.lots)


@dataclass
class Reconciliation:
    entries: list[EntryBalance]
    entry: str | None  # the one entry asked for, if any

    @property
    def balanced(self) -> bool:
        return all(e.balanced for e in self.entries)

    @property
    def lots(self) -> int:
        return sum(len(e.lots) for e in self.entries)


def entry_from(text: str | None) -> str | None:
    """A customs entry number from a URL parameter; None for anything that cannot be one."""
    text = (text or "").strip()
    return text if _ENTRY.match(text) else None


def _moved(kind: str) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((StockMove.kind == kind, StockMove.on_hand_delta), else_=0)), 0)


def _query(merchant_id: int | None, entry: str | None) -> sa.Select[*tuple[Any, ...]]:
    query = (sa.select(Lot.id, Lot.lot_number, Lot.customs_entry, Lot.customs_status, Lot.expiry, Lot.on_hand,
                       Lot.reserved, Product.sku, Merchant.name.label("merchant"),
                       _moved("intake").label("entered"), _moved("pick").label("picked"),
                       _moved("return").label("returned"), _moved("adjust").label("adjusted"),
                       sa.func.coalesce(sa.func.sum(StockMove.on_hand_delta), 0).label("ledger"))
             .join(Product, Product.id == Lot.product_id).join(Merchant, Merchant.id == Product.merchant_id)
             .outerjoin(StockMove, StockMove.lot_id == Lot.id)
             .group_by(Lot.id, Lot.lot_number, Lot.customs_entry, Lot.customs_status, Lot.expiry, Lot.on_hand,
                       Lot.reserved, Product.sku, Merchant.name)
             .order_by(Lot.customs_entry, Lot.lot_number))
    if merchant_id is not None:
        query = query.where(Product.merchant_id == merchant_id)
    if entry is not None:
        query = query.where(Lot.customs_entry == entry)
    return query


def _balance(row: sa.Row[Any]) -> LotBalance:
    return LotBalance(lot_id=row.id, lot_number=row.lot_number, customs_entry=row.customs_entry, sku=row.sku,
                      merchant=row.merchant, customs_status=row.customs_status, expiry=row.expiry,
                      entered=int(row.entered), sold_shipped=-int(row.picked), returned=int(row.returned),
                      adjusted=int(row.adjusted), on_hand_ledger=int(row.ledger), on_hand_recorded=int(row.on_hand),
                      reserved=int(row.reserved))


def reconciliation(merchant_id: int | None = None, entry: str | None = None) -> Reconciliation:
    """Every customs entry (or the one asked for) with its lots; only the merchant's own with `merchant_id`."""
    entries: dict[str, EntryBalance] = {}
    for row in db.session.execute(_query(merchant_id, entry)):
        balance = _balance(row)
        entries.setdefault(balance.customs_entry, EntryBalance(balance.customs_entry)).lots.append(balance)
    return Reconciliation(list(entries.values()), entry)


def csv_rows(merchant_id: int | None = None, entry: str | None = None) -> Iterator[tuple[object, ...]]:
    """One row per lot in CSV_COLUMNS order (for csv_export.stream_csv)."""
    for row in db.session.execute(_query(merchant_id, entry)):
        lot = _balance(row)
        yield (lot.customs_entry, lot.lot_number, lot.sku, lot.merchant, lot.customs_status, lot.expiry, lot.entered,
               lot.sold_shipped, lot.returned, lot.adjusted, lot.on_hand_ledger, lot.on_hand_recorded, lot.reserved,
               "yes" if lot.balanced else "no")
