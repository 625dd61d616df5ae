"""What the services ask of the outside world (payments, mail, documents, media), as small interfaces,
and the registry through which they reach the concrete adapters wired in shop/bootstrap.py."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from shop.services.settings import Settings

# ---- payments -----------------------------------------------------------------------------


class GatewayError(Exception):
    """The payment provider refused or failed; `message` is what it said (may be shown to the buyer)."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class GatewayUnavailable(GatewayError):
    """The provider did not answer, or answered with an error of its own."""


class CardDeclined(GatewayError):
    """The card was declined."""


class GatewayRefused(GatewayError):
    """The provider refused the request as invalid (a card it cannot use, an intent in the wrong state)."""


class SignatureInvalid(GatewayError):
    """A webhook body whose signature does not match."""


class WebhooksNotConfigured(GatewayError):
    """No webhook secret: events cannot be verified."""


# An intent or an event as the provider sends it: a JSON object.
ProviderObject = dict[str, Any]


class PaymentGateway(Protocol):
    """PaymentIntents, refunds and signed events. Intents and events are plain dicts in the provider's
    shape (amounts in its minor units, `amount_received`, `currency` in lower case, `metadata`)."""

    def create_intent(self, *, amount_minor: int, currency: str, methods: tuple[str, ...],
                      metadata: dict[str, str], idempotency_key: str) -> ProviderObject: ...

    def retrieve_intent(self, intent_id: str) -> ProviderObject: ...

    def confirm_intent(self, intent_id: str, *, payment_method: str | None = None,
                       token: str | None = None) -> ProviderObject: ...

    def cancel_intent(self, intent_id: str) -> None: ...

    def refund(self, intent_id: str, *, metadata: dict[str, str], idempotency_key: str,
               amount_minor: int | None = None) -> str:
        """Give back `amount_minor` of the intent's charge (all of it when None); the provider's refund id.
        The same `idempotency_key` never refunds twice."""
        ...

    def verify_event(self, payload: bytes, signature: str) -> ProviderObject: ...


# ---- mail ---------------------------------------------------------------------------------


class MailDeliveryError(Exception):
    """The mail could not be handed on; it stays in the outbox for another attempt."""


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class OutgoingMail:
    to: str
    lang: str
    subject: str
    text: str
    html: str


class MailRenderer(Protocol):
    """Turns (template, language, JSON-able parameters) into a subject, a text and an HTML part."""

    def render(self, template: str, lang: str, params: dict[str, Any]) -> RenderedMail: ...


class Mailer(Protocol):
    def send(self, mail: OutgoingMail) -> None: ...


# ---- documents ----------------------------------------------------------------------------


class DocumentError(Exception):
    """A document that cannot be made (a value a barcode cannot carry, a resource refused)."""


class DocumentMaker(Protocol):
    def pdf(self, html: str) -> bytes: ...

    def barcode_svg(self, data: str, height_mm: float) -> str: ...


# ---- media (product photos) ---------------------------------------------------------------


class MediaError(Exception):
    """The media store refused or did not answer; nothing the buyer or merchant did wrong."""


class MediaStorage(Protocol):
    """Where photos and their renditions are kept, by key (`products/12/3f9c....webp`).

    `url` is where a browser fetches the file: a path on this site (`/media/...`) for the local
    folder, or an absolute address (a bucket or a CDN in front of it)."""

    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...

    def url(self, key: str) -> str: ...


# ---- the registry -------------------------------------------------------------------------


@dataclass
class Registry:
    """The adapters of one running shop. `payments` is None when no payment provider is configured."""

    settings: Settings
    mailer: Mailer
    mail_renderer: MailRenderer
    documents: DocumentMaker
    payments: PaymentGateway | None = None
    # Always wired by shop/bootstrap.py; None only in a registry built by hand without photos.
    media: MediaStorage | None = None


_lookup: Callable[[], Registry] | None = None


def install(lookup: Callable[[], Registry]) -> None:
    """Tell the services how to find the running shop's registry (done once, by the app factory)."""
    global _lookup
    _lookup = lookup


def registry() -> Registry:
    """The registry of the shop this call runs in."""
    if _lookup is None:
        raise RuntimeError("no shop registry installed: build the app with shop.create_app()")
    return _lookup()


def settings() -> Settings:
    return registry().settings


def media() -> MediaStorage:
    """The running shop's media store."""
    store = registry().media
    if store is None:
        raise RuntimeError("no media storage wired: build the app with shop.create_app()")
    return store
