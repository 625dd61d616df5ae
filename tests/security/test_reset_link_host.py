"""Account takeover through a forged Host header: every absolute link the shop writes comes from
SHOP_BASE_URL; in production the address is required and requests for another host are refused."""
from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
import sqlalchemy as sa

from config import ProductionConfig
from shop import create_app
from shop.extensions import db
from shop.models import OutboxMessage
from tests.checkout.conftest import csrf_from

BASE = "https://shop.example"


def _mails(folder: Path) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in sorted(folder.glob("*.eml"))]


def test_a_reset_link_asked_for_under_a_forged_host_points_to_the_shop(app, tmp_path):
    app.config.update(SHOP_BASE_URL=BASE, MAIL_DIR=str(tmp_path))
    from tests.checkout.conftest import new_buyer
    new_buyer(app, "victim@example.com")
    client = app.test_client()
    evil = "http://evil.example"
    page = client.get("/en/reset-password", base_url=evil).get_data(as_text=True)
    response = client.post("/en/reset-password", base_url=evil,
                           data={"email": "victim@example.com", "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    (mail,) = _mails(tmp_path)
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert f"{BASE}/en/reset-password/" in text and f'href="{BASE}/en/reset-password/' in html
    assert "evil.example" not in text and "evil.example" not in html
    with app.app_context():
        assert "evil.example" not in db.session.scalar(sa.select(OutboxMessage.body))


def _production(**overrides) -> type:
    return type("Production", (ProductionConfig,), {"SECRET_KEY": "a-real-secret-" + "x" * 32, **overrides})


def test_production_refuses_to_start_without_the_shops_address():
    with pytest.raises(RuntimeError, match="SHOP_BASE_URL"):
        create_app(_production(SHOP_BASE_URL=None, SQLALCHEMY_DATABASE_URI="sqlite://"))


def test_production_refuses_requests_for_another_host(backend, database_urls):
    app = create_app(_production(SHOP_BASE_URL=BASE, SQLALCHEMY_DATABASE_URI=database_urls[backend],
                                 RATELIMIT_STORAGE_URI="memory://"))
    try:
        client = app.test_client()
        assert client.get("/healthz", base_url="http://evil.example").status_code == 400
        assert client.get("/en/reset-password", base_url="http://evil.example").status_code == 400
        assert client.get("/healthz", base_url=BASE).status_code == 200
    finally:
        with app.app_context():
            db.engine.dispose()


def test_the_payment_return_address_is_the_shops_own(stripe_app, stripe_buyer, stripe_world):
    stripe_app.config["SHOP_BASE_URL"] = BASE
    stripe_buyer.fill_cart({stripe_world["CR-ROSE"]: 1})
    response, _ = stripe_buyer.checkout(payment_method="stripe")
    number = response.headers["Location"].split("/orders/")[1].split("/")[0]
    page = stripe_buyer.client.get(f"/en/orders/{number}/pay").get_data(as_text=True)
    assert f'const returnUrl = "{BASE}/en/orders/{number}/confirmation";' in page
