"""Stripe through localstripe: one PaymentIntent per order, paid, declined then paid, 3-D Secure
confirmed on the page, refunds on cancellation and for payments arriving too late."""
import datetime as dt
import json
import logging
import urllib.parse
import urllib.request
from decimal import Decimal

import pytest
import sqlalchemy as sa

from shop.extensions import db
from shop.models import Order, OutboxMessage, Payment
from shop.services import payments

from .conftest import csrf_from, event_payload, sign


def _card_order(buyer, world, lang="en", quantity=1) -> str:
    buyer.fill_cart({world["CR-ROSE"]: quantity})
    response, _ = buyer.checkout(lang, payment_method="stripe")
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    location = response.headers["Location"]
    assert location.endswith("/pay")
    return location.split("/orders/")[1].split("/")[0]


def _pay(buyer, number, lang="en", **body):
    page = buyer.client.get(f"/{lang}/orders/{number}/pay").get_data(as_text=True)
    return buyer.client.post(f"/{lang}/orders/{number}/pay", json=body,
                             headers={"X-CSRFToken": csrf_from(page), "Accept": "application/json"})


def _payments(app, number) -> list[Payment]:
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.number == number))
        return list(db.session.scalars(sa.select(Payment).where(Payment.order_id == order.id).order_by(Payment.id)))


def _status(app, number) -> str:
    with app.app_context():
        return db.session.scalar(sa.select(Order.status).where(Order.number == number))


def _stripe(localstripe_url, path, data=None, key="sk_test_kashgar"):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(f"{localstripe_url}{path}", data=body,
                                     headers={"Authorization": f"Bearer {key}"} if key else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_a_card_order_leads_to_the_payment_step_with_one_payment_intent(stripe_app, stripe_buyer, stripe_world,
                                                                      localstripe_url):
    number = _card_order(stripe_buyer, stripe_world)
    page = stripe_buyer.client.get(f"/en/orders/{number}/pay").get_data(as_text=True)
    assert f'src="{localstripe_url}/js.stripe.com/v3/"' in page and "pk_test_kashgar" in page
    stripe_buyer.client.get(f"/en/orders/{number}/pay")  # the page again: still one intent
    (payment,) = _payments(stripe_app, number)
    with stripe_app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.number == number))
        assert payment.amount_minor == int(order.total_in_currency() * 100) and payment.currency == "USD"
        assert order.payment_deadline is not None
    intent = _stripe(localstripe_url, f"/v1/payment_intents/{payment.provider_ref}")
    assert intent["metadata"]["order_number"] == number
    assert (intent["amount"], intent["currency"]) == (payment.amount_minor, "usd")


def test_the_payment_step_and_the_order_page_say_how_many_minutes_are_left_to_pay(stripe_app, stripe_buyer,
                                                                                 stripe_world):
    number = _card_order(stripe_buyer, stripe_world)
    with stripe_app.app_context():
        db.session.execute(sa.update(Order).where(Order.number == number).values(
            payment_deadline=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=42, seconds=30)))
        db.session.commit()
    pay_page = stripe_buyer.client.get(f"/en/orders/{number}/pay").get_data(as_text=True)
    order_page = stripe_buyer.client.get(f"/en/orders/{number}").get_data(as_text=True)
    assert "42 minutes left to pay." in pay_page
    assert "42 minutes left to pay." in order_page


def test_paying_by_card_marks_the_order_paid_at_once(stripe_app, stripe_buyer, stripe_world):
    number = _card_order(stripe_buyer, stripe_world, lang="ru")
    response = _pay(stripe_buyer, number, "ru", payment_method="pm_card_visa")
    assert response.get_json()["status"] == "succeeded"
    assert _status(stripe_app, number) == "paid"
    assert [p.status for p in _payments(stripe_app, number)] == ["succeeded"]
    page = stripe_buyer.client.get(response.get_json()["redirect"]).get_data(as_text=True)
    assert "Оплачен" in page
    with stripe_app.app_context():
        subjects = list(db.session.scalars(sa.select(OutboxMessage.subject).order_by(OutboxMessage.id)))
    assert subjects == [f"Ваш заказ {number}", f"Оплата заказа {number} получена"]


def test_a_declined_card_lets_the_buyer_try_again(stripe_app, stripe_buyer, stripe_world, localstripe_url):
    number = _card_order(stripe_buyer, stripe_world, lang="ur")
    declined = _pay(stripe_buyer, number, "ur", payment_method="pm_card_chargeCustomerFail")
    assert declined.status_code == 200 and declined.get_json()["status"] == "failed"
    assert declined.get_json()["message"] == "آپ کا کارڈ مسترد ہو گیا۔ براہ کرم کوئی اور کارڈ آزمائیں۔"
    assert _status(stripe_app, number) == "pending_payment"
    (first,) = _payments(stripe_app, number)
    assert first.status == "failed"
    # The same order, another card: accepted on a fresh intent; the declined one is cancelled at Stripe.
    paid = _pay(stripe_buyer, number, "ur", payment_method="pm_card_visa")
    assert paid.status_code == 200 and paid.get_json()["status"] == "succeeded"
    assert paid.get_json()["redirect"] == f"/ur/orders/{number}/confirmation"
    assert _status(stripe_app, number) == "paid"
    assert [p.status for p in _payments(stripe_app, number)] == ["failed", "succeeded"]
    assert _stripe(localstripe_url, f"/v1/payment_intents/{first.provider_ref}")["status"] == "canceled"
    later = _payments(stripe_app, number)[1]
    intent = _stripe(localstripe_url, f"/v1/payment_intents/{later.provider_ref}")
    assert (intent["status"], intent["amount"], intent["metadata"]["order_number"]) == \
        ("succeeded", first.amount_minor, number)


def test_the_same_declined_card_can_be_tried_again_after_reloading_the_page(stripe_app, stripe_buyer,
                                                                           stripe_world):
    number = _card_order(stripe_buyer, stripe_world)
    assert _pay(stripe_buyer, number, payment_method="pm_card_chargeCustomerFail").get_json()["status"] == "failed"
    assert _pay(stripe_buyer, number, payment_method="pm_card_chargeCustomerFail").get_json()["status"] == "failed"
    assert _status(stripe_app, number) == "pending_payment"
    assert [p.status for p in _payments(stripe_app, number)] == ["failed", "failed"]
    retry = stripe_buyer.client.get(f"/en/orders/{number}/pay")  # a new intent for the next card
    assert retry.status_code == 200 and "pay-button" in retry.get_data(as_text=True)
    assert [p.status for p in _payments(stripe_app, number)] == ["failed", "failed", "created"]
    assert _pay(stripe_buyer, number, payment_method="pm_card_visa").get_json()["status"] == "succeeded"
    assert [p.status for p in _payments(stripe_app, number)] == ["failed", "failed", "succeeded"]
    page = stripe_buyer.client.get(f"/en/orders/{number}").get_data(as_text=True)
    assert page.count("Card: Declined") == 2 and page.count("Card: Paid") == 1


def test_a_card_tester_is_stopped_after_a_few_declines(stripe_app, stripe_buyer, stripe_world):
    number = _card_order(stripe_buyer, stripe_world)
    for _ in range(payments.MAX_CARD_ATTEMPTS):
        assert _pay(stripe_buyer, number, payment_method="pm_card_chargeCustomerFail").get_json()["status"] == \
            "failed"
    page = stripe_buyer.client.get(f"/en/orders/{number}/pay", follow_redirects=True).get_data(as_text=True)
    assert "declined too many times" in page and 'id="pay-button"' not in page
    stopped = stripe_buyer.client.post(f"/en/orders/{number}/pay", json={"payment_method": "pm_card_visa"},
                                       headers={"X-CSRFToken": csrf_from(page), "Accept": "application/json"})
    assert stopped.status_code == 429 and "declined too many times" in stopped.get_json()["message"]
    assert _status(stripe_app, number) == "pending_payment"
    assert len(_payments(stripe_app, number)) == payments.MAX_CARD_ATTEMPTS


def test_after_paying_the_buyer_sees_the_confirmation_with_the_order_summary(stripe_app, stripe_buyer,
                                                                            stripe_world):
    number = _card_order(stripe_buyer, stripe_world)
    answer = _pay(stripe_buyer, number, payment_method="pm_card_visa").get_json()
    page = stripe_buyer.client.get(answer["redirect"]).get_data(as_text=True)
    assert "Thank you! Your payment is received." in page
    assert "Rose face cream" in page and 'id="order-total"' in page and 'data-status="paid"' in page
    assert 'http-equiv="refresh"' not in page  # settled: the page stays still


def test_while_the_payment_is_confirmed_the_pages_refresh_themselves_until_the_webhook(
        stripe_app, stripe_buyer, stripe_world, pending):
    number, intent = pending
    for url in (f"/en/orders/{number}/confirmation", f"/en/orders/{number}?paid=1"):
        page = stripe_buyer.client.get(url).get_data(as_text=True)
        assert '<meta http-equiv="refresh" content="4">' in page and 'data-status="pending_payment"' in page
    assert "We are confirming your payment" in stripe_buyer.client.get(
        f"/en/orders/{number}/confirmation").get_data(as_text=True)
    # An order page opened for itself does not keep reloading.
    assert 'http-equiv="refresh"' not in stripe_buyer.client.get(f"/en/orders/{number}").get_data(as_text=True)
    payload = event_payload("evt_settles", "payment_intent.succeeded", intent)
    assert stripe_app.test_client().post("/webhooks/stripe", data=payload,
                                         headers={"Stripe-Signature": sign(payload)}).status_code == 200
    page = stripe_buyer.client.get(f"/en/orders/{number}/confirmation").get_data(as_text=True)
    assert 'data-status="paid"' in page and 'http-equiv="refresh"' not in page
    assert "Thank you! Your payment is received." in page


def test_nobody_else_sees_an_orders_confirmation(stripe_app, stripe_buyer, stripe_world):
    from .conftest import new_buyer
    number = _card_order(stripe_buyer, stripe_world)
    other = new_buyer(stripe_app, "other@example.com").sign_in()
    assert other.client.get(f"/en/orders/{number}/confirmation").status_code == 404
    assert other.client.get("/en/orders/KS000000-XXXXX/confirmation").status_code == 404
    assert other.client.get("/en/orders/" + "K" * 200 + "/confirmation").status_code == 404


def test_a_card_needing_authentication_is_confirmed_on_the_page_and_checked_on_return(
        stripe_app, stripe_buyer, stripe_world, localstripe_url):
    number = _card_order(stripe_buyer, stripe_world)
    token = _stripe(localstripe_url, "/v1/tokens", {
        "card[number]": "4000002500003155", "card[exp_month]": "12", "card[exp_year]": "2030",
        "card[cvc]": "123", "key": "pk_test_kashgar"}, key=None)
    answer = _pay(stripe_buyer, number, token=token["id"]).get_json()
    assert answer["status"] == "requires_action" and answer["client_secret"].startswith("pi_")
    # What the Stripe.js stand-in's confirmCardPayment does after "Complete authentication":
    intent_id = answer["client_secret"].split("_secret_")[0]
    _stripe(localstripe_url, f"/v1/payment_intents/{intent_id}/_authenticate?success=true",
            {"client_secret": answer["client_secret"], "key": "pk_test_kashgar"}, key=None)
    assert _status(stripe_app, number) == "pending_payment"  # the webhook is not here yet
    page = stripe_buyer.client.get(answer["redirect"]).get_data(as_text=True)  # the return from the payment step
    assert 'data-status="paid"' in page
    assert _status(stripe_app, number) == "paid"


def test_cancelling_a_paid_order_refunds_it_through_stripe_once(stripe_app, stripe_buyer, stripe_world,
                                                               localstripe_url):
    number = _card_order(stripe_buyer, stripe_world)
    _pay(stripe_buyer, number, payment_method="pm_card_visa")
    page = stripe_buyer.client.get(f"/en/orders/{number}").get_data(as_text=True)
    stripe_buyer.client.post(f"/en/orders/{number}/cancel", data={"csrf_token": csrf_from(page)})
    assert _status(stripe_app, number) == "refunded"
    (payment,) = _payments(stripe_app, number)
    assert payment.status == "refunded"
    refunds = _stripe(localstripe_url, f"/v1/refunds?payment_intent={payment.provider_ref}")["data"]
    assert len(refunds) == 1 and refunds[0]["amount"] == payment.amount_minor
    with stripe_app.app_context():  # a second attempt finds nothing left to refund
        payments.refund_payments([payment.id])
    assert len(_stripe(localstripe_url, f"/v1/refunds?payment_intent={payment.provider_ref}")["data"]) == 1


def test_a_payment_arriving_for_an_expired_order_is_logged_and_refunded(stripe_app, stripe_buyer, stripe_world,
                                                                      localstripe_url, caplog):
    # Alembic's fileConfig (run by the migration fixture) disables loggers that existed before it.
    logging.getLogger(payments.__name__).disabled = False
    number = _card_order(stripe_buyer, stripe_world)
    stripe_buyer.client.get(f"/en/orders/{number}/pay")
    (payment,) = _payments(stripe_app, number)
    # The buyer pays at Stripe just as the deadline passes, and the reservation lapses first.
    _stripe(localstripe_url, f"/v1/payment_intents/{payment.provider_ref}", {"payment_method": "pm_card_visa"})
    intent = _stripe(localstripe_url, f"/v1/payment_intents/{payment.provider_ref}/confirm", {})
    with stripe_app.app_context():
        db.session.execute(sa.update(Order).values(payment_deadline=dt.datetime.now(dt.UTC)
                                                   - dt.timedelta(minutes=1)))
        db.session.commit()
    stripe_app.test_cli_runner().invoke(args=["shop", "expire-reservations"])
    assert _status(stripe_app, number) == "cancelled"
    payload = event_payload("evt_late_1", "payment_intent.succeeded", intent)
    response = stripe_app.test_client().post("/webhooks/stripe", data=payload,
                                             headers={"Stripe-Signature": sign(payload)})
    assert response.status_code == 200
    assert _status(stripe_app, number) == "cancelled"
    assert [p.status for p in _payments(stripe_app, number)] == ["refunded"]
    assert len(_stripe(localstripe_url, f"/v1/refunds?payment_intent={payment.provider_ref}")["data"]) == 1
    assert any("refunding it" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize(("amount", "currency", "units"), [
    ("12.50", "CNY", 1250), ("1234.56", "RUB", 123456), ("1000", "JPY", 1000), ("999.5", "JPY", 1000),
    ("12.345", "KWD", 12350), ("0.01", "USD", 1), ("20000.00", "UZS", 2000000),
])
def test_amounts_go_to_stripe_in_its_minor_units(amount, currency, units):
    assert payments.stripe_amount(Decimal(amount), currency) == units


def test_alipay_and_wechat_pay_are_offered_only_in_production_where_stripe_takes_the_currency(app):
    with app.app_context():
        assert payments.methods_for("CNY") == ("card",)  # testing config: the local fake knows only cards
        app.config.update(SHOP_ENV="production", STRIPE_API_BASE=None)
        assert payments.methods_for("CNY") == ("card", "alipay", "wechat_pay")
        assert payments.methods_for("RUB") == ("card",)
        app.config.update(STRIPE_API_BASE="http://127.0.0.1:1")
        assert payments.methods_for("CNY") == ("card",)


def test_without_stripe_keys_the_card_is_not_offered_and_the_shop_still_sells(app, buyer, world):
    buyer.fill_cart({world["CR-ROSE"]: 1})
    page, _tokens = buyer.checkout_form()
    assert 'value="stripe"' not in page and 'value="cod"' in page
    response, _ = buyer.checkout(payment_method="cod")
    assert response.status_code == 303


def test_a_currency_the_stripe_account_does_not_take_is_charged_in_yuan(stripe_app, stripe_buyer, stripe_world,
                                                                        localstripe_url):
    stripe_app.config["STRIPE_CURRENCIES"] = ["CNY", "USD"]
    number = _card_order(stripe_buyer, stripe_world, lang="ru")  # the buyer sees roubles
    page = stripe_buyer.client.get(f"/ru/orders/{number}/pay").get_data(as_text=True)
    (payment,) = _payments(stripe_app, number)
    with stripe_app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.number == number))
        assert order.currency == "RUB"
        assert (payment.currency, payment.amount_minor) == ("CNY", int(order.total_cny * 100))
    assert "CN¥" in page
