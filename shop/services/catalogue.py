"""Catalogue queries: listings with their translations and stock, without N+1 queries."""
from __future__ import annotations

import math
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from shop.extensions import db
from shop.models import Category, Lot, Product, ProductTranslation

LANGS = ("en", "zh", "ru", "ur")


@dataclass
class Page:
    items: list
    page: int
    pages: int
    total: int
    per_page: int


def stock_available_subquery():
    """Per product: on hand minus reserved over lots that are not quarantined."""
    return (
        sa.select(Lot.product_id, sa.func.coalesce(sa.func.sum(Lot.on_hand - Lot.reserved), 0).label("available"))
        .where(Lot.customs_status != "quarantined")
        .group_by(Lot.product_id)
        .subquery()
    )


def stock_available(product_ids) -> dict[int, int]:
    ids = list(product_ids)
    if not ids:
        return {}
    sub = stock_available_subquery()
    rows = db.session.execute(sa.select(sub.c.product_id, sub.c.available).where(sub.c.product_id.in_(ids)))
    found = {pid: int(avail) for pid, avail in rows}
    return {pid: found.get(pid, 0) for pid in ids}


def category_and_descendants(slug: str) -> list[int] | None:
    """Ids of the category named by `slug` and its children, or None when it does not exist."""
    category = db.session.scalar(sa.select(Category).where(Category.slug == slug))
    if category is None:
        return None
    ids = [category.id]
    frontier = [category.id]
    while frontier:
        frontier = list(db.session.scalars(sa.select(Category.id).where(Category.parent_id.in_(frontier))))
        ids.extend(frontier)
    return ids


def product_query(*, category: str | None = None, origin: str | None = None, product_ids=None):
    """The select for active products with the filters applied (None when a filter names nothing)."""
    stmt = sa.select(Product).where(Product.active.is_(True))
    if category:
        ids = category_and_descendants(category)
        if ids is None:
            return None
        stmt = stmt.where(Product.category_id.in_(ids))
    if origin:
        stmt = stmt.where(Product.origin_country == origin.upper()[:2])
    if product_ids is not None:
        stmt = stmt.where(Product.id.in_(product_ids))
    return stmt


def with_details(stmt):
    return stmt.options(
        selectinload(Product.translations),
        selectinload(Product.merchant),
        selectinload(Product.category).selectinload(Category.translations),
    )


def paginate(stmt, page: int, per_page: int, order_by=None) -> Page:
    """One count and one page of products, loaded with their texts and stock."""
    page = max(1, page)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())) or 0
    pages = max(1, math.ceil(total / per_page))
    ordered = stmt.order_by(*(order_by if order_by is not None else [Product.id]))
    items = list(db.session.scalars(with_details(ordered).limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, page=page, pages=pages, total=total, per_page=per_page)


def get_by_sku(sku: str) -> Product | None:
    return db.session.scalar(with_details(sa.select(Product).where(Product.sku == sku)))


def get_by_slug(slug: str, lang: str) -> Product | None:
    stmt = (
        sa.select(Product)
        .join(ProductTranslation)
        .where(ProductTranslation.slug == slug, Product.active.is_(True))
        .order_by((ProductTranslation.lang == lang).desc())
        .limit(1)
    )
    return db.session.scalar(with_details(stmt))


def product_to_dict(product: Product, available: int) -> dict:
    """A product in the API's shape (CONTRACT.md)."""
    texts = {t.lang: t for t in product.translations}
    english = texts.get("en")
    return {
        "sku": product.sku,
        "slug": english.slug if english else next(iter(texts.values())).slug,
        "names": {lang: (texts[lang].name if lang in texts else None) for lang in LANGS},
        "descriptions": {lang: (texts[lang].description if lang in texts else None) for lang in LANGS},
        "category": product.category.slug,
        "merchant": product.merchant.slug,
        "origin_country": product.origin_country,
        "hs_code": product.hs_code,
        "tax_class": product.tax_class,
        "goods_flags": sorted(product.goods_flags or []),
        "price": {"amount": f"{product.price_cny:.2f}", "currency": "CNY"},
        "weight_g": product.weight_g,
        "dimensions_mm": product.dimensions_mm,
        "stock_available": available,
    }
