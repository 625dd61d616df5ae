"""Row locks, taken one way and in one order, so two use cases never wait on each other in a circle.

Every use case that changes stock, orders, discount codes, departures or payments locks the rows first through
this module, inside its write transaction:

- one kind of lock: FOR NO KEY UPDATE on PostgreSQL. It excludes every other writer of the row,
  yet lets rows that merely reference it (allocations, ledger rows, shipments, payments) be
  inserted meanwhile: their foreign-key checks take KEY SHARE locks, which a plain FOR UPDATE
  would make wait. The shop never changes a primary key, so nothing needs more. SQLite has
  no row locks: there the write transaction's BEGIN IMMEDIATE already lets one writer in.
- one order: by table in the rank below, and within a table by ascending id, so whichever
  two use cases meet, the one that comes second waits for the first instead of deadlocking.
  A use case may skip ranks, never go back to a lower one (a lot, then its order, is wrong).

      products  ->  orders  ->  discounts  ->  lots  ->  departures  ->  payments

  Orders come before lots because cancelling, expiring and picking must read the order to
  learn which lots it holds; placing an order locks its discount code (to take a use of it),
  lots and departures only, and cancelling gives the use back before it releases the lots.
  Departures are last but for payments: every order books the same few, so their locks are
  held briefly.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.base import ExecutableOption

from shop.extensions import db
from shop.models import Departure, Discount, Lot, Order, Payment, Product

__all__ = ["RANK", "lock_departures", "lock_discounts", "lock_lots", "lock_orders", "lock_payments", "lock_products",
           "lock_rows"]

RANK: tuple[type[Any], ...] = (Product, Order, Discount, Lot, Departure, Payment)

Row = TypeVar("Row")


def lock_rows(model: type[Row], *criteria: Any, options: Iterable[ExecutableOption] = (),
              skip_locked: bool = False) -> list[Row]:
    """The rows of `model` matching `criteria`, locked in ascending id and read afresh.

    `skip_locked` leaves out rows another transaction holds (for sweeps that can come back)."""
    id_column: InstrumentedAttribute[int] = model.id  # type: ignore[attr-defined]
    stmt = (sa.select(model).where(*criteria).order_by(id_column).options(*options)
            .with_for_update(key_share=True, of=model, skip_locked=skip_locked and _is_postgres())
            .execution_options(populate_existing=True))
    return list(db.session.scalars(stmt))


def lock_products(*criteria: Any, options: Iterable[ExecutableOption] = ()) -> list[Product]:
    return lock_rows(Product, *criteria, options=options)


def lock_orders(*criteria: Any, skip_locked: bool = False) -> list[Order]:
    return lock_rows(Order, *criteria, skip_locked=skip_locked)


def lock_discounts(*criteria: Any) -> list[Discount]:
    return lock_rows(Discount, *criteria)


def lock_lots(*criteria: Any) -> list[Lot]:
    return lock_rows(Lot, *criteria)


def lock_departures(*criteria: Any) -> list[Departure]:
    return lock_rows(Departure, *criteria)


def lock_payments(*criteria: Any) -> list[Payment]:
    """Payments, after their orders: the order is locked first, as every other flow does."""
    order_ids = db.session.scalars(sa.select(Payment.order_id).where(*criteria).distinct()).all()
    if order_ids:
        lock_orders(Order.id.in_(order_ids))
    return lock_rows(Payment, *criteria)


def _is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"
