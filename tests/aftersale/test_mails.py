"""The after-sale mails (refund issued, return approved, refused, received) read in the buyer's language,
with the amount in their currency and an absolute link to the order on SHOP_BASE_URL."""
from __future__ import annotations

import email
import email.policy

import pytest
import sqlalchemy as sa

from shop.extensions import db
from shop.models import Order
from shop.services import outbox, ports
from tests.aftersale.conftest import TEA, delivered

WORDS = {  # a word each language's mail must carry
    "refund_issued": {"en": "refunded", "zh": "退", "ru": "вернули", "ur": "واپس"},
    "return_approved": {"en": "approved", "zh": "通过", "ru": "одобрен", "ur": "منظور"},
    "return_refused": {"en": "not accepted", "zh": "未获通过", "ru": "не принят", "ur": "قبول نہیں"},
    "return_received": {"en": "received", "zh": "收到", "ru": "получили", "ur": "موصول"},
}


@pytest.mark.parametrize("template", sorted(WORDS))
@pytest.mark.parametrize("lang", ["en", "zh", "ru", "ur"])
def test_each_after_sale_mail_reads_in_the_buyers_language(app, world, template, lang):
    app.config["SHOP_BASE_URL"] = "https://shop.example"
    with app.app_context():
        number = delivered(world, items=TEA)
        order = db.session.scalar(sa.select(Order).where(Order.number == number))
        params = {"order": outbox.order_params(order, lang), "link": outbox.order_link(order, lang),
                  "amount": "35.00", "currency": "RUB", "method": "stripe", "whole": False,
                  "lines": [{"name": "Ceylon black tea", "quantity": 1, "condition": "saleable"}],
                  "message": "Please keep the box.", "refund": "35.00"}
        mail = ports.registry().mail_renderer.render(template, lang, params)
    assert number in mail.subject
    assert WORDS[template][lang] in mail.subject + mail.text
    assert f"https://shop.example/{lang}/orders/{number}" in mail.text
    assert "1 × Ceylon black tea" in mail.text
    if template in ("return_approved", "return_refused"):
        assert "Please keep the box." in mail.text
    if template in ("refund_issued", "return_received"):
        assert "35" in mail.text and ("₽" in mail.text or "RUB" in mail.text)
    assert ('dir="rtl"' in mail.html) == (lang == "ur")


def test_the_refund_mail_is_delivered_after_the_refund(app, desk, world, tmp_path):
    app.config["MAIL_DIR"] = str(tmp_path)
    from tests.support import csrf_from, hidden
    with app.app_context():
        number = delivered(world, items=TEA)
    page = desk.client.get(f"/admin/orders/{number}").get_data(as_text=True)
    desk.client.post(f"/admin/orders/{number}/refunds", data={
        "csrf_token": csrf_from(page), "request_key": hidden(page, "request_key"), "kind": "amount",
        "amount": "20", "method": "cash", "reference": "R-1"})
    sent = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in tmp_path.glob("*.eml")]
    # the order was placed in Russian, so its mail is in Russian
    refund_mails = [m for m in sent if f"Возврат денег по заказу {number}" == m["Subject"]]
    assert len(refund_mails) == 1 and refund_mails[0]["To"] == "buyer@desk.example"
    assert "Мы вернули вам 20,00" in refund_mails[0].get_body(("plain",)).get_content()
