"""Order desk fixtures: the fulfilment desk's world (products, lots, lines, departures, accounts, an order
factory) and a signed-in desk user."""
from __future__ import annotations

import pytest

from tests.fulfilment.conftest import ACCOUNTS, PASSWORD, Desk, World, seed  # noqa: F401

__all__ = ["ACCOUNTS", "PASSWORD", "Desk", "World"]


@pytest.fixture
def world(app) -> World:
    with app.app_context():
        return seed()


@pytest.fixture
def desk(client, auth, world) -> Desk:
    return Desk(client, auth).login("staff")
