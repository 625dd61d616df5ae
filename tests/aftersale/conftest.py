"""After-sale fixtures: the fulfilment desk's world (products, lots, lines, accounts, an order factory),
a signed-in desk user, delivered orders paid in cash or by card, a signed-in buyer, and a fake payment
gateway that records what it is asked."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from shop.extensions import db
from tests.fulfilment.conftest import ACCOUNTS, PASSWORD, Desk, World, seed  # noqa: F401

__all__ = ["ACCOUNTS", "PASSWORD", "Desk", "World", "FakeGateway", "delivered"]

TEA = [("TEA-BLACK", [("LOT-TEA-1", 3)])]
TEA_AND_HONEY = [("TEA-BLACK", [("LOT-TEA-1", 2)]), ("HN-MOUNTAIN", [("LOT-HN-1", 1)])]


@pytest.fixture
def world(app) -> World:
    with app.app_context():
        return seed()


@pytest.fixture
def desk(client, auth, world) -> Desk:
    return Desk(client, auth).login("staff")


@pytest.fixture
def buyer(app, world) -> Desk:
    """The buyer who placed the world's orders, signed in on a client of their own."""
    return _signed_in(app, "buyer")


def _signed_in(app, role: str) -> Desk:
    from tests.support import AuthActions
    client = app.test_client()
    return Desk(client, AuthActions(client)).login(role)


def delivered(world: World, *, items=TEA, payment_method: str = "cod", country: str = "RU",
              intent: str | None = None) -> str:
    """An order shipped and then recorded delivered by staff (a cash order's cash collected then); a card
    order carries its succeeded payment (PaymentIntent `intent`)."""
    from shop.models import Order, Payment, User
    from shop.services import ordering
    number = world.order(items=items, status="shipped", payment_method=payment_method, country=country)
    order = db.session.scalar(sa.select(Order).where(Order.number == number))
    if payment_method == "stripe":
        db.session.add(Payment(order_id=order.id, provider="stripe", provider_ref=intent or f"pi_{number}",
                               amount_minor=int(order.total_cny * 100), currency="CNY", status="succeeded"))
        db.session.commit()
    for shipment in order.shipments:
        shipment.status = "shipped"
    db.session.commit()
    ordering.record_delivery(number, db.session.get(User, world.users["staff"]))
    return number


class FakeGateway:
    """Stands in for Stripe at the port: records each refund asked (intent, amount, key); fails while `down`."""

    def __init__(self) -> None:
        self.refunds: list[dict] = []
        self.down = False

    def refund(self, intent_id: str, *, metadata: dict[str, str], idempotency_key: str,
               amount_minor: int | None = None) -> str:
        from shop.services.ports import GatewayUnavailable
        if self.down:
            raise GatewayUnavailable("Stripe did not answer")
        self.refunds.append({"intent": intent_id, "amount_minor": amount_minor, "key": idempotency_key,
                             "metadata": metadata})
        return f"re_{len(self.refunds)}"


@pytest.fixture
def gateway(monkeypatch) -> FakeGateway:
    from shop.services import payments
    fake = FakeGateway()
    monkeypatch.setattr(payments, "gateway", lambda: fake)
    return fake

