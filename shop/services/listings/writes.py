"""The writes a listing and a lot share, whoever asks (portal, API, CSV import): a listing made or
changed from its draft, a lot received, search documents rewritten. None of them commits: each
runs inside its caller's transaction."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState

from shop.domain.languages import LANGUAGES
from shop.extensions import db
from shop.models import Category, Lot, Product, ProductTranslation, SearchDocument, StockMove
from shop.services import search, variants
from shop.services.audit import audit
from shop.services.listings.drafts import ListingDraft, LotDraft
from shop.services.slugs import slugify


def _jsonable(value: object) -> object:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


class Slugs:
    """Slugs for new translations, unique per language across the shop and within one batch."""

    def __init__(self) -> None:
        self.taken: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
        self.looked_up: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}

    @staticmethod
    def candidates(name: str, sku: str) -> list[str]:
        sku_part = slugify(sku) or "item"
        base = slugify(name) or sku_part
        return [base, f"{base}-{sku_part}"[:200].rstrip("-")]

    def look_up(self, wanted: Iterable[tuple[str, str, str]]) -> None:
        """Learn which of these (lang, name, sku) candidates are taken, a few queries for many."""
        by_lang: dict[str, set[str]] = {}
        for lang, name, sku in wanted:
            by_lang.setdefault(lang, set()).update(self.candidates(name, sku))
        for lang, slugs in by_lang.items():
            slugs -= self.looked_up[lang]
            ordered = sorted(slugs)
            for start in range(0, len(ordered), 500):
                chunk = ordered[start:start + 500]
                self.taken[lang].update(db.session.scalars(sa.select(ProductTranslation.slug).where(
                    ProductTranslation.lang == lang, ProductTranslation.slug.in_(chunk))))
            self.looked_up[lang].update(slugs)

    def allocate(self, lang: str, name: str, sku: str) -> str:
        self.look_up([(lang, name, sku)])
        options = self.candidates(name, sku)
        for slug in options:
            if slug not in self.taken[lang]:
                self.taken[lang].add(slug)
                return slug
        n = 2
        while True:  # both taken: number it (rare, so one query per try is fine)
            slug = f"{options[-1][:190]}-{n}"
            exists = slug in self.taken[lang] or db.session.scalar(sa.select(ProductTranslation.id).where(
                ProductTranslation.lang == lang, ProductTranslation.slug == slug).limit(1)) is not None
            if not exists:
                self.taken[lang].add(slug)
                return slug
            n += 1


def apply_listing(product: Product | None, merchant_id: int, draft: ListingDraft, category: Category,
                  slugs: Slugs, groups: variants.VariantGroups | None = None) -> tuple[Product, dict[str, object]]:
    """Create or change a product from a draft; answers it and what changed ({} when nothing).

    A translation keeps its slug once made, so links to the product stay good; a language whose
    name is now empty loses its translation. A draft that speaks of variants puts the product
    in its group or takes it out (raises domain VariantRule when the group refuses it)."""
    values = draft.values(category)
    changes: dict[str, object] = {}
    if product is None:
        product = Product(sku=draft.sku, merchant_id=merchant_id, **values)
        product.category = category
        db.session.add(product)
        changes = {k: _jsonable(v) for k, v in values.items()}
    else:
        for key, value in values.items():
            current = getattr(product, key)
            if key == "goods_flags":
                current = sorted(current or [])
            if current != value:
                changes[key] = _jsonable(value)
                setattr(product, key, value)
        if "category_id" in changes:
            product.category = category
    by_lang = {t.lang: t for t in product.translations}
    for lang in LANGUAGES:
        existing = by_lang.get(lang)
        if lang in draft.texts:
            name, description = draft.texts[lang]
            if existing is None:
                product.translations.append(ProductTranslation(
                    lang=lang, name=name, description=description, slug=slugs.allocate(lang, name, draft.sku)))
                changes[f"name_{lang}"] = name
            else:
                if existing.name != name:
                    existing.name = name
                    changes[f"name_{lang}"] = name
                if (existing.description or "") != description:
                    existing.description = description
                    changes[f"description_{lang}"] = True
        elif existing is not None:
            product.translations.remove(existing)
            changes[f"name_{lang}"] = None
    if draft.variant_given:
        groups = groups or variants.VariantGroups(merchant_id)
        if variants.attach(product, draft.variant, groups):
            changes["variant"] = ({"product": draft.variant.code, "options": draft.variant.values}
                                  if draft.variant is not None else None)
    return product, changes


def receive_into(product: Product, draft: LotDraft, user_id: int | None, note: str) -> Lot:
    """A new lot of `product` with its 'intake' ledger row (inside the caller's transaction)."""
    lot = Lot(product=product, lot_number=draft.lot_number, customs_entry=draft.customs_entry,
              on_hand=draft.quantity, reserved=0, expiry=draft.expiry, bin=draft.bin,
              customs_status=draft.customs_status)
    db.session.add(lot)
    db.session.add(StockMove(lot=lot, kind="intake", on_hand_delta=draft.quantity, user_id=user_id,
                             note=note[:200]))
    audit(user_id, "lot.receive", "lot", draft.lot_number, {
        "sku": product.sku, "quantity": draft.quantity, "customs_entry": draft.customs_entry,
        "expiry": _jsonable(draft.expiry), "bin": draft.bin, "customs_status": draft.customs_status})
    return lot


def reindex(products: Iterable[Product]) -> None:
    """Rewrite the search documents of products whose texts or category changed."""
    products = list(products)
    if not products:
        return
    db.session.flush()
    # Each product's delete touches only its own documents, so the new ones can wait for one
    # flush at the end instead of one per product.
    with _search_deletes_by_fetch(), db.session.no_autoflush:
        for product in products:
            search.index_product(product)


@contextmanager
def _search_deletes_by_fetch() -> Iterator[None]:
    """Let index_product's ORM delete find the session's stale documents by the ids it deleted
    ("fetch") rather than by testing every object the session holds ("evaluate"), which made
    an import of thousands of rows take minutes."""
    session = db.session()
    documents = sa.inspect(SearchDocument)

    def by_fetch(state: ORMExecuteState) -> None:
        if state.is_delete and state.bind_mapper is documents:
            state.update_execution_options(synchronize_session="fetch")

    event.listen(session, "do_orm_execute", by_fetch)
    try:
        yield
    finally:
        event.remove(session, "do_orm_execute", by_fetch)
