"""Stripe behind the PaymentGateway port: PaymentIntents, refunds with idempotency keys, signed events."""
from __future__ import annotations

import json

import stripe

from shop.services.ports import (
    CardDeclined,
    GatewayRefused,
    GatewayUnavailable,
    SignatureInvalid,
    WebhooksNotConfigured,
)


def _plain(obj) -> dict:
    """A Stripe object as a plain dict; `amount_received` filled in where the server left it out
    (localstripe does), from the status."""
    data = obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)
    if data.get("object") == "payment_intent" and "amount_received" not in data:
        data["amount_received"] = data.get("amount") if data.get("status") == "succeeded" else 0
    return data


class StripeGateway:
    """One Stripe account (or a local stand-in at `api_base`)."""

    def __init__(self, secret_key: str, *, api_base: str | None = None, webhook_secret: str | None = None) -> None:
        options: dict = {"max_network_retries": 2}
        if api_base:
            options["base_addresses"] = {"api": api_base.rstrip("/")}
        self._client = stripe.StripeClient(secret_key, **options)
        self._webhook_secret = webhook_secret

    def _call(self, call, *args, **kwargs) -> dict:
        try:
            return _plain(call(*args, **kwargs))
        except stripe.CardError as error:
            raise CardDeclined(error.user_message or "") from error
        except stripe.InvalidRequestError as error:
            raise GatewayRefused(error.user_message or str(error)) from error
        except stripe.StripeError as error:
            raise GatewayUnavailable(str(error)) from error

    def create_intent(self, *, amount_minor: int, currency: str, methods: tuple[str, ...],
                      metadata: dict[str, str], idempotency_key: str) -> dict:
        return self._call(self._client.v1.payment_intents.create,
                          params={"amount": amount_minor, "currency": currency.lower(),
                                  "payment_method_types": list(methods), "metadata": metadata},
                          options={"idempotency_key": idempotency_key})

    def retrieve_intent(self, intent_id: str) -> dict:
        return self._call(self._client.v1.payment_intents.retrieve, intent_id)

    def confirm_intent(self, intent_id: str, *, payment_method: str | None = None,
                       token: str | None = None) -> dict:
        """Attach the card (a PaymentMethod id, or a token from Stripe.js stand-ins) and confirm."""
        if token:
            payment_method = self._call(self._client.v1.tokens.retrieve, token)["card"]["id"]
        if not payment_method:
            raise GatewayRefused("")
        # localstripe cannot confirm with payment_method=...: set it first, then confirm.
        self._call(self._client.v1.payment_intents.update, intent_id, params={"payment_method": payment_method})
        return self._call(self._client.v1.payment_intents.confirm, intent_id)

    def cancel_intent(self, intent_id: str) -> None:
        self._call(self._client.v1.payment_intents.cancel, intent_id)

    def refund(self, intent_id: str, *, metadata: dict[str, str], idempotency_key: str,
               amount_minor: int | None = None) -> str:
        params: dict = {"payment_intent": intent_id, "metadata": metadata}
        if amount_minor is not None:
            params["amount"] = amount_minor
        refund = self._call(self._client.v1.refunds.create, params=params,
                            options={"idempotency_key": idempotency_key})
        return str(refund.get("id") or "")

    def verify_event(self, payload: bytes, signature: str) -> dict:
        """The event, once its signature over the raw body is checked."""
        if not self._webhook_secret:
            raise WebhooksNotConfigured()
        try:
            # The signature alone first: construct_event builds an Event from any JSON and fails on odd ones.
            stripe.WebhookSignature.verify_header(payload.decode("utf-8"), signature or "", self._webhook_secret,
                                                  stripe.Webhook.DEFAULT_TOLERANCE)
            event = json.loads(payload)
        except (stripe.SignatureVerificationError, ValueError):
            raise SignatureInvalid() from None
        if not isinstance(event, dict):
            raise SignatureInvalid()
        data = event.get("data")
        if isinstance(data, dict) and isinstance(data.get("object"), dict):
            data["object"] = _plain(data["object"])
        return event
