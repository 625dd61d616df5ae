"""Wires the concrete adapters to the services, in one place, from the app's config."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from shop.adapters.documents import PrintedDocuments
from shop.adapters.mail import FileMailer, SmtpMailer
from shop.services import ports
from shop.services.ports import Mailer, MediaStorage, Registry
from shop.services.settings import Settings

EXTENSION = "shop.registry"
# The config keys the registry is built from: when one of them changes (a test, an operator's
# shell) the registry is built again on next use.
CONFIG_KEYS = (
    "SHOP_ENV", "SECRET_KEY", "SHOP_BASE_URL", "PAYMENT_DEADLINE_MINUTES", "EXPIRY_MARGIN_DAYS", "RETURN_DAYS",
    "STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE", "STRIPE_JS_URL",
    "STRIPE_CURRENCIES", "STRIPE_WALLETS", "MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME",
    "MAIL_PASSWORD", "MAIL_FROM", "MAIL_DIR", "MEDIA_DIR", "S3_BUCKET", "S3_ENDPOINT_URL", "S3_REGION",
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "MEDIA_BASE_URL",
)


def build_registry(app: Flask) -> Registry:
    """The adapters the config asks for."""
    config = app.config
    settings = Settings.from_config(config)
    sender = config.get("MAIL_FROM") or "shop@kashgar-bonded.example"
    mailer: Mailer
    if config.get("MAIL_SERVER"):
        mailer = SmtpMailer(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25),
                            use_tls=bool(config.get("MAIL_USE_TLS")), username=config.get("MAIL_USERNAME"),
                            password=config.get("MAIL_PASSWORD"), sender=sender)
    else:
        mailer = FileMailer(Path(config.get("MAIL_DIR") or Path(app.root_path).parent / "instance" / "mail"),
                            sender=sender)
    payments = None
    if config.get("STRIPE_SECRET_KEY") and config.get("STRIPE_PUBLISHABLE_KEY"):
        from shop.adapters.stripe_payments import StripeGateway
        payments = StripeGateway(config["STRIPE_SECRET_KEY"], api_base=config.get("STRIPE_API_BASE"),
                                 webhook_secret=config.get("STRIPE_WEBHOOK_SECRET"))
    from shop.web.mail_render import JinjaMailRenderer
    return Registry(settings=settings, mailer=mailer, mail_renderer=JinjaMailRenderer(app, settings.base_url),
                    documents=PrintedDocuments(), payments=payments, media=build_media(app))


def build_media(app: Flask) -> MediaStorage:
    """An S3-compatible bucket when S3_BUCKET is set, else the folder served at /media/."""
    config = app.config
    if config.get("S3_BUCKET"):
        from shop.adapters.media import S3Media
        return S3Media(config["S3_BUCKET"], endpoint_url=config.get("S3_ENDPOINT_URL"),
                       region=config.get("S3_REGION"), access_key=config.get("AWS_ACCESS_KEY_ID"),
                       secret_key=config.get("AWS_SECRET_ACCESS_KEY"), base_url=config.get("MEDIA_BASE_URL"))
    from shop.adapters.media import LocalMedia
    folder = Path(config.get("MEDIA_DIR") or Path(app.root_path).parent / "instance" / "media")
    return LocalMedia(folder, base_url=config.get("MEDIA_BASE_URL") or "/media/")


def _fingerprint(app: Flask) -> tuple[str, ...]:
    return tuple(repr(app.config.get(key)) for key in CONFIG_KEYS)


def registry_of(app: Flask) -> Registry:
    """The app's registry, built again when its config changed since."""
    held = app.extensions.get(EXTENSION)
    fingerprint = _fingerprint(app)
    if held is None or held[0] != fingerprint:
        held = (fingerprint, build_registry(app))
        app.extensions[EXTENSION] = held
    return held[1]


def init_app(app: Flask) -> None:
    """Attach the registry to the app and show the services where to find it."""
    registry_of(app)
    # Flask types current_app as the app itself; it is a LocalProxy, which has _get_current_object.
    ports.install(lambda: registry_of(current_app._get_current_object()))  # type: ignore[attr-defined]
