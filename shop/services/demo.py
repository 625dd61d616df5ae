"""Load the demo catalogue, stock, express lines, rates and accounts (idempotent)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from shop.extensions import db
from shop.i18n import LANGUAGES as LANGS
from shop.models import (
    Category,
    CategoryTranslation,
    Discount,
    DutyRule,
    ExchangeRate,
    ExpressLine,
    LineClosure,
    Lot,
    Merchant,
    Product,
    ProductTranslation,
    StockMove,
    User,
    VariantGroup,
)
from shop.services import demo_orders, search
from shop.services.slugs import slugify


def load_demo(today: dt.date | None = None) -> dict[str, int]:
    """Create what is missing from the demo data; never changes what already exists.

    Returns counts of the rows it created, so a second run reports zeros."""
    from shop.demo import accounts, categories, logistics, merchants, products
    from shop.demo import variants as demo_variants

    today = today or dt.date.today()
    created = {"merchants": 0, "categories": 0, "products": 0, "lots": 0, "lines": 0, "rates": 0,
               "duty_rules": 0, "accounts": 0, "discounts": 0, "orders": 0}

    merchant_by_slug = {m.slug: m for m in db.session.scalars(sa.select(Merchant))}
    for data in merchants.MERCHANTS:
        if data["slug"] not in merchant_by_slug:
            m = Merchant(slug=data["slug"], name=data["name"], display_names=data["names"],
                         email=data.get("email"), city=data.get("city", "Kashgar"))
            db.session.add(m)
            merchant_by_slug[m.slug] = m
            created["merchants"] += 1

    category_by_slug = {c.slug: c for c in db.session.scalars(sa.select(Category))}
    for position, data in enumerate(categories.CATEGORIES):
        if data["slug"] in category_by_slug:
            continue
        c = Category(slug=data["slug"], position=position,
                     parent=category_by_slug.get(data["parent"]) if data.get("parent") else None)
        for lang in LANGS:
            c.translations.append(CategoryTranslation(
                lang=lang, name=data["names"][lang], description=(data.get("descriptions") or {}).get(lang, "")))
        db.session.add(c)
        category_by_slug[c.slug] = c
        created["categories"] += 1
    db.session.flush()

    existing_skus = set(db.session.scalars(sa.select(Product.sku)))
    existing_lots = set(db.session.scalars(sa.select(Lot.lot_number)))
    new_products = []
    used_slugs = set(db.session.scalars(sa.select(ProductTranslation.slug).where(ProductTranslation.lang == "en")))
    for data in [*products.PRODUCTS, *demo_variants.EXTRA_PRODUCTS]:
        product = None
        if data["sku"] not in existing_skus:
            length, width, height = data["dims_mm"]
            slug = data.get("slug") or slugify(data["names"]["en"]) or data["sku"].lower()
            if slug in used_slugs:
                slug = f"{slug}-{data['sku'].lower()}"
            used_slugs.add(slug)
            product = Product(
                sku=data["sku"], merchant=merchant_by_slug[data["merchant"]],
                category=category_by_slug[data["category"]], origin_country=data["origin"],
                hs_code=data["hs_code"], tax_class=data["tax_class"], price_cny=Decimal(data["price_cny"]),
                weight_g=data["weight_g"], length_mm=length, width_mm=width, height_mm=height,
                goods_flags=sorted(data.get("flags", [])), featured=data.get("featured", False),
            )
            for lang in LANGS:
                product.translations.append(ProductTranslation(
                    lang=lang, name=data["names"][lang], description=data["descriptions"][lang], slug=slug))
            db.session.add(product)
            new_products.append(product)
            created["products"] += 1
        for lot_data in data.get("lots", []):
            if lot_data["lot_number"] in existing_lots:
                continue
            if product is None:
                product = db.session.scalar(sa.select(Product).where(Product.sku == data["sku"]))
            days = lot_data.get("expiry_days")
            lot = Lot(product=product, lot_number=lot_data["lot_number"], customs_entry=lot_data["customs_entry"],
                      on_hand=lot_data["quantity"], reserved=0, bin=lot_data["bin"],
                      expiry=today + dt.timedelta(days=days) if days is not None else None,
                      customs_status=lot_data.get("status", "bonded"))
            db.session.add(lot)
            db.session.add(StockMove(lot=lot, kind="intake", on_hand_delta=lot_data["quantity"],
                                     note="demo intake"))
            existing_lots.add(lot.lot_number)
            created["lots"] += 1
    db.session.flush()
    for product in new_products:
        search.index_product(product)
    created["variant_groups"] = _load_variant_groups(demo_variants.GROUPS, merchant_by_slug)

    existing_lines = set(db.session.scalars(sa.select(ExpressLine.code)))
    for data in logistics.LINES:
        if data["code"] in existing_lines:
            continue
        hours, minutes = (int(x) for x in data["cutoff"].split(":"))
        line = ExpressLine(
            code=data["code"], mode=data["mode"], names=data["names"], descriptions=data.get("descriptions", {}),
            serves={k: list(v) for k, v in data["serves"].items()}, weekdays=list(data["weekdays"]),
            cutoff=dt.time(hours, minutes), transit_days_min=data["transit_days_min"],
            transit_days_max=data["transit_days_max"], refused_flags=list(data.get("refused_flags", [])),
            max_parcel_weight_g=data["max_parcel_weight_g"], max_parcel_side_mm=data["max_parcel_side_mm"],
            capacity_kg=Decimal(str(data["capacity_kg"])), capacity_m3=Decimal(str(data["capacity_m3"])),
            first_weight_g=data["first_weight_g"], first_price=Decimal(str(data["first_price"])),
            step_g=data["step_g"], step_price=Decimal(str(data["step_price"])),
            volumetric_divisor=data["volumetric_divisor"],
            closes_on_cn_holidays=data.get("closes_on_cn_holidays", False),
        )
        for closure in data.get("closures", []):
            line.closures.append(_closure(closure, today))
        db.session.add(line)
        created["lines"] += 1

    have_rates = set(db.session.scalars(sa.select(ExchangeRate.currency)))
    for currency, rate in logistics.EXCHANGE_RATES.items():
        if currency not in have_rates:
            db.session.add(ExchangeRate(currency=currency, rate=Decimal(str(rate)), as_of=today))
            created["rates"] += 1

    have_rules = set(db.session.scalars(sa.select(DutyRule.country)))
    for data in logistics.DUTY_RULES:
        if data["country"] not in have_rules:
            db.session.add(DutyRule(country=data["country"], threshold=Decimal(str(data["threshold"])),
                                    currency=data["currency"], rate=Decimal(str(data["rate"])),
                                    per=data.get("per", "parcel"), basis=data.get("basis", "excess"),
                                    valid_from=dt.date.fromisoformat(data["valid_from"]) if data.get("valid_from")
                                    else None,
                                    note=data.get("note") or {}))
            created["duty_rules"] += 1

    have_users = set(db.session.scalars(sa.select(User.email)))
    for data in accounts.ACCOUNTS:
        if data["email"] in have_users:
            continue
        user = User(email=data["email"], name=data.get("name", ""), role=data["role"],
                    merchant=merchant_by_slug.get(data["merchant"]) if data.get("merchant") else None,
                    preferred_lang=data.get("lang", "en"))
        user.set_password(data["password"])
        db.session.add(user)
        created["accounts"] += 1

    created["discounts"] = _demo_discounts(merchant_by_slug)
    db.session.commit()
    created["orders"] = demo_orders.load_orders()
    return created


def _demo_discounts(merchant_by_slug: dict[str, Merchant]) -> int:
    """The demo's discount codes that are missing (shop/demo/discounts.py)."""
    from shop.demo import discounts
    have = set(db.session.scalars(sa.select(Discount.code)))
    made = 0
    for data in discounts.DISCOUNTS:
        if data["code"] in have:
            continue
        merchant = merchant_by_slug.get(data["merchant"]) if data.get("merchant") else None
        db.session.add(Discount(
            code=data["code"], kind=data["kind"], value=Decimal(data["value"]),
            min_subtotal_cny=Decimal(data.get("min_subtotal_cny", "0")), max_uses=data.get("max_uses"),
            per_buyer=data.get("per_buyer"), scope=data.get("scope", "all"), category_ids=[], product_ids=[],
            scope_merchant_id=merchant.id if merchant else None, owner_merchant_id=merchant.id if merchant else None,
            used_count=0, active=True))
        made += 1
    return made


def _closure(data: dict[str, Any], today: dt.date) -> LineClosure:
    """A closure from 'MM-DD' (yearly) or 'YYYY-MM-DD' bounds."""
    def parse(text: str) -> dt.date:
        if len(text) == 5:  # MM-DD, yearly: stored in the current year; the routing repeats it
            month, day = (int(x) for x in text.split("-"))
            return dt.date(today.year, month, day)
        return dt.date.fromisoformat(text)

    return LineClosure(start=parse(data["start"]), end=parse(data["end"]), yearly=data.get("yearly", False),
                       kind=data.get("kind", "season"), note=data.get("note") or {})


def demo_accounts() -> list[dict[str, Any]]:
    from shop.demo import accounts
    return accounts.ACCOUNTS


def _load_variant_groups(groups: list[dict[str, Any]], merchant_by_slug: dict[str, Merchant]) -> int:
    """The demo's products offered in variants (a group already there is left as it is)."""
    made = 0
    for data in groups:
        merchant = merchant_by_slug[data["merchant"]]
        group = db.session.scalar(sa.select(VariantGroup).where(VariantGroup.merchant_id == merchant.id,
                                                                VariantGroup.code == data["code"]))
        if group is not None:
            continue
        group = VariantGroup(merchant_id=merchant.id, code=data["code"], option_kinds=list(data["kinds"]))
        db.session.add(group)
        for sku, values in data["members"].items():
            product = db.session.scalar(sa.select(Product).where(Product.sku == sku))
            if product is not None and product.variant_group_id is None:
                product.variant_group = group
                product.option_values = values
        made += 1
    db.session.flush()
    return made
