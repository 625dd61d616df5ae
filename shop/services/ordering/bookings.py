"""Booking departures: the weight and volume an order's goods take, and the departure rows they
are booked on (created on first booking, locked last, re-checked against capacity under the lock)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_UP, Decimal
from typing import Protocol

import sqlalchemy as sa

from shop.database import is_postgres
from shop.extensions import db
from shop.models import Departure
from shop.services import locking
from shop.services.ordering.errors import DepartureFull

# {departure id: (line code, kg, m3, capacity kg, capacity m3)}
Loads = dict[int, tuple[str, Decimal, Decimal, Decimal, Decimal]]


class Sized(Protocol):
    """A product, or the goods an order reads of one: its weight and box."""

    @property
    def weight_g(self) -> int: ...
    @property
    def length_mm(self) -> int: ...
    @property
    def width_mm(self) -> int: ...
    @property
    def height_mm(self) -> int: ...


def load_of(pairs: Sequence[tuple[Sized, int]]) -> tuple[Decimal, Decimal]:
    """Actual weight (kg) and volume (m3) of (product or goods, quantity) pairs, rounded up to the
    columns' precision."""
    grams = sum(p.weight_g * q for p, q in pairs)
    mm3 = sum(p.length_mm * p.width_mm * p.height_mm * q for p, q in pairs)
    kg = (Decimal(grams) / 1000).quantize(Decimal("0.001"), rounding=ROUND_UP)
    m3 = (Decimal(mm3) / 1_000_000_000).quantize(Decimal("0.0001"), rounding=ROUND_UP)
    return kg, m3


def departure_id(line_id: int, departs_at: dt.datetime) -> int:
    """The departure row's id, the row created on first booking (unique line and time)."""
    departs_at = departs_at.astimezone(dt.UTC)
    values = {"line_id": line_id, "departs_at": departs_at, "booked_kg": Decimal(0), "booked_m3": Decimal(0),
              "status": "scheduled"}
    upsert: sa.Insert
    if is_postgres():
        from sqlalchemy.dialects import postgresql
        upsert = postgresql.insert(Departure).values(values).on_conflict_do_nothing(
            index_elements=["line_id", "departs_at"])
    else:
        from sqlalchemy.dialects import sqlite
        upsert = sqlite.insert(Departure).values(values).on_conflict_do_nothing(
            index_elements=["line_id", "departs_at"])
    db.session.execute(upsert)
    return db.session.execute(
        sa.select(Departure.id).where(Departure.line_id == line_id, Departure.departs_at == departs_at)).scalar_one()


def book(loads: Loads) -> None:
    """Book weight and volume on departures {id: (line code, kg, m3, capacity kg, capacity m3)}.

    Last in the transaction: every order books the same few departures, so their row locks
    are held only from here to the commit."""
    rows = locking.lock_departures(Departure.id.in_(loads))
    for departure in rows:
        code, kg, m3, capacity_kg, capacity_m3 = loads[departure.id]
        # The quote read the bookings before the lock; the locked row has the last word.
        if Decimal(departure.booked_kg) + kg > capacity_kg or Decimal(departure.booked_m3) + m3 > capacity_m3:
            raise DepartureFull(code)
        departure.booked_kg = Decimal(departure.booked_kg) + kg
        departure.booked_m3 = Decimal(departure.booked_m3) + m3
