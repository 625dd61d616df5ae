"""Product search in every script (basic version: case-folded substring match over
names, descriptions and categories; ranked by where the words match)."""
from __future__ import annotations

import sqlalchemy as sa

from shop.extensions import db
from shop.models import SearchDocument

MAX_QUERY = 200


def normalise(text: str) -> str:
    return " ".join(text.casefold().split())


def escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_product_ids(query: str) -> list[int]:
    """Ids of products whose text matches every word of `query`, best first."""
    words = [w for w in normalise(query[:MAX_QUERY]).split(" ") if w][:8]
    if not words:
        return []
    stmt = sa.select(SearchDocument.product_id).distinct()
    for word in words:
        stmt = stmt.where(SearchDocument.body.like(f"%{escape_like(word)}%", escape="\\"))
    return list(db.session.scalars(stmt))


def index_product(product) -> None:
    """(Re)write a product's search documents from its translations and category names."""
    db.session.execute(sa.delete(SearchDocument).where(SearchDocument.product_id == product.id))
    category_names = " ".join(t.name for t in product.category.translations) if product.category else ""
    for t in product.translations:
        body = normalise(f"{t.name} {product.sku} {category_names} {t.description}")
        db.session.add(SearchDocument(product_id=product.id, lang=t.lang, body=body))
