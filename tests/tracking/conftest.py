"""Tracking fixtures: the fulfilment desk's world, orders taken through the desk until their parcels have
left (wave, pick, pack, ship), and a token for each line's operator."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from shop.extensions import db
from tests.fulfilment.conftest import ACCOUNTS, PASSWORD, Desk, World, seed  # noqa: F401

__all__ = ["ACCOUNTS", "PASSWORD", "Desk", "Shipped", "World", "ship"]


@pytest.fixture
def world(app) -> World:
    with app.app_context():
        return seed()


@pytest.fixture
def desk(client, auth, world) -> Desk:
    return Desk(client, auth).login("staff")


@dataclass
class Shipped:
    number: str
    waybill: str


def ship(world: World, line: str = "KHG-MOW-TRUCK", **order) -> Shipped:
    """An order on `line` taken through the desk until its parcel left the zone (inside an app context)."""
    from shop.models import Order
    from shop.services import fulfilment

    staff = world.users["staff"]
    order.setdefault("items", [("TEA-BLACK", [("LOT-TEA-1", 1)])])
    number = world.order(line=line, **order)
    wave = fulfilment.build_wave(world.departures[line], staff).wave_id
    fulfilment.confirm_picked(wave, number, staff)
    waybill = fulfilment.pack(wave, number, staff).waybill
    fulfilment.ship_departure(world.departures[line], staff)
    row = db.session.scalar(sa.select(Order).where(Order.number == number))
    assert row.status == "shipped", row.status
    return Shipped(number, waybill)


@pytest.fixture
def moscow(app, world) -> Shipped:
    """A paid order for a Russian buyer, shipped on the Moscow truck."""
    with app.app_context():
        return ship(world)


@pytest.fixture
def operators(app, world) -> dict[str, str]:
    """A live token for the operator of each line, by line code."""
    from shop.services import tracking

    with app.app_context():
        return {code: tracking.create_operator_token(code, f"{code} scanner", None)[1] for code in world.lines}


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
