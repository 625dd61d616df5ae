"""The merchants' daily digest: expiring lots and listings below their reorder point."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from shop.extensions import db
from tests.checkout.conftest import PASSWORD, seed_world

TODAY = dt.date(2026, 12, 3)


def _merchant_account(email: str, lang: str) -> None:
    from shop.models import Merchant, User
    merchant = db.session.scalar(sa.select(Merchant).where(Merchant.slug == "kashgar-goods"))
    user = User(email=email, name="Goods desk", role="merchant", merchant_id=merchant.id, preferred_lang=lang)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()


def _mail(to: str):
    """The messages written to `to`, rendered as the worker delivers them."""
    from shop.models import OutboxMessage
    from shop.services import outbox
    outbox.deliver_pending()
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to == to)))


def test_the_digest_names_lots_expiring_within_60_days_and_listings_below_reorder_point(app):
    from shop.models import Product
    from shop.services import alerts
    with app.app_context():
        seed_world(TODAY)
        _merchant_account("goods@example.com", "en")
        db.session.execute(sa.update(Product).where(Product.sku == "LAST-5").values(reorder_point=10))
        db.session.execute(sa.update(Product).where(Product.sku == "CR-ROSE").values(reorder_point=50))
        db.session.commit()

        assert alerts.send_merchant_alerts(TODAY) == ["goods@example.com"]
        [mail] = _mail("goods@example.com")
        assert mail.subject == "Stock alerts for Kashgar Goods Co., Dec 3, 2026"
        assert "1 lot expires within 60 days:" in mail.body
        assert "LB-SOFT Lieba bread, soft bag: lot LOT-LB-1, 6 on hand, expires Dec 28, 2026 (25 days left)" in mail.body
        assert "LOT-LB-2" not in mail.body  # 150 days away
        assert "1 listing is below its reorder point:" in mail.body
        assert "LAST-5 Kashgar silk scarf: 5 available, reorder point 10" in mail.body
        assert "CR-ROSE" not in mail.body  # 50 available: not below 50
        assert "/merchant/" in mail.body


def test_the_digest_goes_once_a_day_and_only_with_something_to_say(app):
    from shop.models import Lot
    from shop.services import alerts
    with app.app_context():
        seed_world(TODAY)
        _merchant_account("goods@example.com", "en")
        assert alerts.send_merchant_alerts(TODAY) == ["goods@example.com"]
        assert alerts.send_merchant_alerts(TODAY) == []
        assert len(_mail("goods@example.com")) == 1
        db.session.execute(sa.update(Lot).values(expiry=None))
        db.session.commit()
        assert alerts.send_merchant_alerts(TODAY + dt.timedelta(days=1)) == []


def test_the_digest_is_in_the_merchants_language(app):
    from shop.services import alerts
    with app.app_context():
        seed_world(TODAY)
        _merchant_account("ru@example.com", "ru")
        alerts.send_merchant_alerts(TODAY)
        [mail] = _mail("ru@example.com")
        assert mail.lang == "ru"
        assert mail.subject.startswith("Складские уведомления")
        assert "Хлеб «Лиеба», мягкая упаковка" in mail.body
        assert "срок годности до" in mail.body and "(осталось 25 дней)" in mail.body
