"""Card refunds at the Stripe edge: the adapter sends the refund's amount and its idempotency key (Stripe's
Idempotency-Key header) on the wire, and a part refund goes through a local Stripe (localstripe) for
exactly the part asked."""
from __future__ import annotations

import json
import threading
import urllib.parse
import urllib.request
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from shop.adapters.stripe_payments import StripeGateway
from shop.extensions import db
from shop.models import Order, Payment, Refund, User
from shop.services import payments, refunds
from tests.aftersale.conftest import TEA, delivered
from tests.checkout.conftest import stripe_config
from tests.fulfilment.conftest import seed
from tests.support import app_for


class _Recorder(BaseHTTPRequestHandler):
    seen: list[dict] = []

    def do_POST(self):  # noqa: N802  (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        self.seen.append({"path": self.path, "headers": dict(self.headers), "form": urllib.parse.parse_qs(body)})
        answer = json.dumps({"id": "re_recorded_1", "object": "refund", "status": "succeeded"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def recorder():
    _Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.seen
    server.shutdown()
    server.server_close()


def test_the_adapter_sends_the_idempotency_key_and_the_amount(recorder):
    base, seen = recorder
    gateway = StripeGateway("sk_test_recorder", api_base=base)
    reference = gateway.refund("pi_123", metadata={"order_number": "KS1"}, idempotency_key="order-KS1-refund-7",
                               amount_minor=3500)
    assert reference == "re_recorded_1"
    [call] = seen
    assert call["path"] == "/v1/refunds"
    assert call["headers"]["Idempotency-Key"] == "order-KS1-refund-7"
    assert call["form"]["payment_intent"] == ["pi_123"] and call["form"]["amount"] == ["3500"]


def test_a_whole_payment_refund_sends_no_amount(recorder):
    base, seen = recorder
    StripeGateway("sk_test_recorder", api_base=base).refund("pi_9", metadata={}, idempotency_key="refund-pi_9")
    assert "amount" not in seen[0]["form"] and seen[0]["headers"]["Idempotency-Key"] == "refund-pi_9"


@pytest.fixture
def stripe_app(request, backend, localstripe_url):
    yield from app_for(request, backend, **stripe_config(localstripe_url))


def test_a_part_refund_goes_through_stripe_for_the_part_asked(stripe_app, localstripe_url):
    with stripe_app.app_context():
        world = seed()
        gateway = payments.gateway()
        intent = gateway.create_intent(amount_minor=13000, currency="CNY", methods=("card",),
                                       metadata={"order_number": "test"}, idempotency_key="test-intent-aftersale")
        paid = gateway.confirm_intent(intent["id"], payment_method="pm_card_visa")
        assert paid["status"] == "succeeded"
        number = delivered(world, items=TEA, payment_method="stripe", intent=intent["id"])
        order = db.session.scalar(sa.select(Order).where(Order.number == number))
        assert order.total_cny == Decimal("130.00")
        staff = db.session.get(User, world.users["staff"])
        done = refunds.issue_refund(number, staff, refunds.RefundRequest(kind="amount", amount="40.50",
                                                                         reason="late"))
        assert done.status == "succeeded" and done.reference.startswith("re_")
        request = urllib.request.Request(f"{localstripe_url}/v1/refunds?payment_intent={intent['id']}",
                                         headers={"Authorization": "Bearer sk_test_kashgar"})
        with urllib.request.urlopen(request, timeout=10) as response:
            stripe_refunds = json.loads(response.read())["data"]
        assert [(r["id"], r["amount"]) for r in stripe_refunds] == [(done.reference, 4050)]
        # the rest, in full: Stripe is asked only for what is left
        rest = refunds.issue_refund(number, staff, refunds.RefundRequest(kind="full"))
        assert rest.amount == Decimal("89.50") and rest.status == "succeeded"
        assert db.session.scalar(sa.select(Order.status).where(Order.number == number)) == "refunded"
        assert db.session.scalar(sa.select(sa.func.count(Refund.id))) == 2
        assert db.session.scalar(sa.select(Payment.status)) == "succeeded"
