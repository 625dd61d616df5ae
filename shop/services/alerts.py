"""The merchants' daily digest: lots that expire soon and listings below their reorder point.

One mail per merchant account, in that account's language, only when there is something to
say, and at most once a day per merchant (the digest is recorded in the audit log in the same
transaction as its mail, so running the job twice sends nothing more).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from shop.database import write_transaction
from shop.extensions import db
from shop.models import AuditLog, Lot, Merchant, Product, ProductTranslation, User
from shop.services import outbox
from shop.services.audit import audit
from shop.services.catalogue import stock_available_subquery

EXPIRY_ALERT_DAYS = 60
DIGEST_ACTION = "merchant.alert_digest"


@dataclass(frozen=True)
class ExpiringLot:
    sku: str
    name: str
    lot_number: str
    expiry: dt.date
    on_hand: int
    days_left: int


@dataclass(frozen=True)
class LowStock:
    sku: str
    name: str
    available: int
    reorder_point: int


@dataclass
class Digest:
    merchant_id: int
    merchant_name: str
    expiring: list[ExpiringLot] = field(default_factory=list)
    low: list[LowStock] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.expiring and not self.low


def _names(product_ids: set[int], lang: str) -> dict[int, str]:
    rows = db.session.execute(sa.select(ProductTranslation.product_id, ProductTranslation.lang,
                                        ProductTranslation.name)
                              .where(ProductTranslation.product_id.in_(product_ids),
                                     ProductTranslation.lang.in_((lang, "en"))))
    names: dict[int, str] = {}
    for product_id, text_lang, name in rows:
        if text_lang == lang or product_id not in names:
            names[product_id] = name
    return names


def digest_for(merchant: Merchant, today: dt.date, lang: str = "en") -> Digest:
    """What the merchant should hear about today (listing names in `lang`, else English)."""
    digest = Digest(merchant.id, merchant.name)
    horizon = today + dt.timedelta(days=EXPIRY_ALERT_DAYS)
    lots = db.session.execute(
        sa.select(Product.id, Product.sku, Lot.lot_number, Lot.expiry, Lot.on_hand)
        .join(Lot, Lot.product_id == Product.id)
        .where(Product.merchant_id == merchant.id, Lot.on_hand > 0, Lot.expiry.is_not(None),
               Lot.expiry <= horizon)
        .order_by(Lot.expiry, Lot.lot_number)).all()
    stock = stock_available_subquery()
    available = sa.func.coalesce(stock.c.available, 0)
    low = db.session.execute(
        sa.select(Product.id, Product.sku, available, Product.reorder_point)
        .outerjoin(stock, stock.c.product_id == Product.id)
        .where(Product.merchant_id == merchant.id, Product.active.is_(True), Product.reorder_point > 0,
               available < Product.reorder_point)
        .order_by(Product.sku)).all()
    names = _names({row[0] for row in lots} | {row[0] for row in low}, lang)
    digest.expiring = [ExpiringLot(sku, names.get(pid, sku), number, expiry, on_hand, (expiry - today).days)
                       for pid, sku, number, expiry, on_hand in lots if expiry is not None]
    digest.low = [LowStock(sku, names.get(pid, sku), int(avail), point) for pid, sku, avail, point in low]
    return digest


def _params(digest: Digest) -> dict[str, Any]:
    """The digest as the outbox keeps it (JSON-able; dates as ISO text)."""
    return {
        "merchant_name": digest.merchant_name,
        "expiring": [{"sku": lot.sku, "name": lot.name, "lot_number": lot.lot_number,
                      "expiry": lot.expiry.isoformat(), "on_hand": lot.on_hand, "days_left": lot.days_left}
                     for lot in digest.expiring],
        "low": [{"sku": item.sku, "name": item.name, "available": item.available,
                 "reorder_point": item.reorder_point} for item in digest.low],
    }


def send_merchant_alerts(today: dt.date) -> list[str]:
    """Queue today's digest for every merchant with something to report; returns the e-mail
    addresses written to. Safe to run twice a day: a merchant gets one digest a day."""
    sent: list[str] = []
    merchants = list(db.session.scalars(sa.select(Merchant).order_by(Merchant.id)))
    for merchant in merchants:
        key = f"{merchant.id}:{today.isoformat()}"
        with write_transaction():
            done = db.session.scalar(sa.select(AuditLog.id).where(
                AuditLog.action == DIGEST_ACTION, AuditLog.entity == "merchant", AuditLog.entity_id == key))
            if done is not None:
                continue
            accounts = list(db.session.scalars(sa.select(User).where(
                User.role == "merchant", User.merchant_id == merchant.id).order_by(User.id)))
            written = []
            for account in accounts:
                digest = digest_for(merchant, today, account.preferred_lang or "en")
                if digest.empty:
                    continue
                outbox.enqueue(account.email, "merchant_digest", account.preferred_lang or "en",
                               digest=_params(digest), today=today.isoformat(), link=outbox.link("merchant.index"))
                written.append(account.email)
            if written:
                audit(None, DIGEST_ACTION, "merchant", key, {"to": written})
                sent.extend(written)
    return sent
