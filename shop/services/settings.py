"""The settings use cases read, as one frozen value built from the app's config in one place."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Settings:
    """Plain values the services need; no framework object travels with them."""

    shop_env: str = "development"
    secret_key: str = ""
    base_url: str = "http://127.0.0.1:5000"
    payment_deadline_minutes: int = 30
    expiry_margin_days: int = 14
    return_days: int = 14
    stripe_publishable_key: str | None = None
    stripe_js_url: str = "https://js.stripe.com/v3/"
    # Currencies the Stripe account settles; empty = all.
    stripe_currencies: tuple[str, ...] = ()
    # Offer Alipay and WeChat Pay beside the card.
    stripe_wallets: bool = False

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        """Settings from a Flask config (or any mapping with the same keys)."""
        wallets = config.get("STRIPE_WALLETS")
        if wallets is None:
            # The local Stripe stand-in knows only cards.
            wallets = config.get("SHOP_ENV") == "production" and not config.get("STRIPE_API_BASE")
        return cls(
            shop_env=str(config.get("SHOP_ENV") or "development"),
            secret_key=str(config.get("SECRET_KEY") or ""),
            base_url=str(config.get("SHOP_BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
            payment_deadline_minutes=int(config.get("PAYMENT_DEADLINE_MINUTES", 30)),
            expiry_margin_days=int(config.get("EXPIRY_MARGIN_DAYS", 14)),
            return_days=int(config.get("RETURN_DAYS", 14)),
            stripe_publishable_key=config.get("STRIPE_PUBLISHABLE_KEY") or None,
            stripe_js_url=str(config.get("STRIPE_JS_URL") or "https://js.stripe.com/v3/"),
            stripe_currencies=_codes(config.get("STRIPE_CURRENCIES")),
            stripe_wallets=bool(wallets),
        )


def _codes(value: Any) -> tuple[str, ...]:
    """Currency codes from a list or a comma-separated string."""
    items = value.split(",") if isinstance(value, str) else (value or ())
    return tuple(str(c).strip().upper() for c in items if str(c).strip())
