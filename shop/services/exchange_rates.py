"""Refreshing the exchange rates from the daily feed at EXCHANGE_RATES_URL (off when unset).

A day's rate an admin has already set is kept: the feed fills in, never overrides.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from shop.database import write_transaction
from shop.domain import money
from shop.domain.exchange import FeedError, parse_ecb_daily
from shop.extensions import db
from shop.models import ExchangeRate
from shop.services.admin import jsonable
from shop.services.audit import audit

log = logging.getLogger("shop.rates")


@dataclass
class Refresh:
    """What a refresh did: the feed's date, the currencies written and those already set."""

    as_of: str | None = None
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    error: str | None = None


def refresh_exchange_rates(url: str | None, fetch: Callable[[str], bytes]) -> Refresh:
    """Fetch the feed and store the rates of the currencies the shop trades in, in one
    transaction; a feed that cannot be fetched or read changes nothing (and is logged)."""
    if not url:
        return Refresh(error="not_configured")
    try:
        daily = parse_ecb_daily(fetch(url))
    except FeedError as error:
        log.warning("exchange-rate feed %s refused: %s", url, error.reason)
        return Refresh(error=error.reason)
    except OSError as error:
        log.warning("exchange-rate feed %s unavailable: %s", url, error)
        return Refresh(error="unavailable")
    result = Refresh(as_of=daily.as_of.isoformat())
    wanted = sorted(code for code in daily.per_cny if code in money.CURRENCIES and code != "CNY")
    with write_transaction():
        existing = set(db.session.scalars(sa.select(ExchangeRate.currency).where(
            ExchangeRate.as_of == daily.as_of, ExchangeRate.currency.in_(wanted))))
        for code in wanted:
            if code in existing:
                result.kept.append(code)
                continue
            db.session.add(ExchangeRate(currency=code, rate=daily.per_cny[code], as_of=daily.as_of))
            result.written.append(code)
        if result.written:
            audit(None, "exchange_rate.feed", "exchange_rate", daily.as_of.isoformat(),
                  {"url": url[:200], "rates": {c: jsonable(daily.per_cny[c]) for c in result.written}})
    return result
