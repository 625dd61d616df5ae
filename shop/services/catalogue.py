"""Catalogue queries: listings with their translations and stock, without N+1 queries."""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from shop.domain import money
from shop.domain import variants as variant_rules
from shop.domain.languages import LANGUAGES as LANGS
from shop.extensions import db
from shop.models import Category, Lot, Product, ProductTranslation
from shop.services import pricing, search, variants
from shop.services.context import Memo
from shop.services.photos.shape import images_to_list

SORTS = ("relevance", "price", "-price", "newest")
SORT_ALIASES = {"price_asc": "price", "price_desc": "-price"}  # the names links used before
MAX_FILTER_VALUES = 20  # categories or origins chosen at once
MAX_PRICE = Decimal("1000000000000")


class UnknownCategory(LookupError):
    """A category slug that names no category."""

    def __init__(self, slug: str) -> None:
        self.slug = slug
        super().__init__(f"no category {slug[:64]!r}")


@dataclass
class Page:
    items: list[Product]
    page: int
    pages: int
    total: int
    per_page: int


@dataclass(frozen=True)
class Filters:
    """What a buyer narrowed a listing to. Prices are in `currency` (the buyer's), both ends
    included, compared with the price as the buyer sees it (converted and rounded)."""

    q: str = ""
    categories: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    currency: str = "CNY"
    in_stock: bool = False


@dataclass
class Facets:
    """How many listings each choice would show, given the other choices: categories (a
    parent counts its children's) and origin countries."""

    categories: dict[int, int] = field(default_factory=dict)
    origins: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Listing:
    """One page of a filtered, sorted listing, with the stock of what it shows."""

    page: Page
    stock: dict[int, int] = field(default_factory=dict)
    category: CategoryNode | None = None
    categories: list[CategoryNode] = field(default_factory=list)
    facets: Facets = field(default_factory=Facets)


def sort_name(text: str | None) -> str | None:
    """The sort a link asked for, in its current name; None for one that does not exist."""
    text = SORT_ALIASES.get(text or "", text or "")
    return text if text in SORTS else None


def stock_available_subquery() -> sa.Subquery:
    """Per product: on hand minus reserved over lots that are not quarantined."""
    return (
        sa.select(Lot.product_id, sa.func.coalesce(sa.func.sum(Lot.on_hand - Lot.reserved), 0).label("available"))
        .where(Lot.customs_status != "quarantined")
        .group_by(Lot.product_id)
        .subquery()
    )


def stock_available(product_ids: Iterable[int]) -> dict[int, int]:
    ids = list(product_ids)
    if not ids:
        return {}
    sub = stock_available_subquery()
    rows = db.session.execute(sa.select(sub.c.product_id, sub.c.available).where(sub.c.product_id.in_(ids)))
    found = {pid: int(avail) for pid, avail in rows}
    return {pid: found.get(pid, 0) for pid in ids}


@dataclass(frozen=True)
class CategoryText:
    name: str
    description: str


@dataclass(frozen=True)
class CategoryNode:
    """A category as pages show it: plain data, detached from the database session."""

    id: int
    slug: str
    parent_id: int | None
    texts: dict[str, CategoryText]

    def text(self, lang: str) -> CategoryText:
        return self.texts.get(lang) or self.texts.get("en") or next(iter(self.texts.values()),
                                                                     CategoryText(self.slug, ""))


# A tree holds either kind of node: Category rows or their plain copies.
N = TypeVar("N", Category, CategoryNode)
TreeNode = Category | CategoryNode


@dataclass
class CategoryTree(Generic[N]):
    """Categories loaded once: roots in order, lookups by slug and id, children by parent id.
    The nodes are Category rows (category_tree) or their plain copies (category_nodes)."""

    roots: list[N]
    by_slug: dict[str, N]
    by_id: dict[int, N]
    children: dict[int | None, list[N]]

    @classmethod
    def of(cls, nodes: Sequence[N]) -> CategoryTree[N]:
        children: dict[int | None, list[N]] = {}
        for node in nodes:
            children.setdefault(node.parent_id, []).append(node)
        return cls(roots=children.get(None, []), by_slug={n.slug: n for n in nodes},
                   by_id={n.id: n for n in nodes}, children=children)

    def descendant_ids(self, category: TreeNode) -> list[int]:
        ids: list[int] = []
        frontier = [category.id]
        while frontier:
            node_id = frontier.pop()
            ids.append(node_id)
            frontier.extend(c.id for c in self.children.get(node_id, []))
        return ids

    def path(self, category: TreeNode) -> list[N]:
        """The category's ancestors from the root down, then the category itself."""
        chain: list[N] = []
        node = self.by_id.get(category.id)
        seen: set[int] = set()
        while node is not None and node.id not in seen:
            seen.add(node.id)
            chain.append(node)
            node = self.by_id.get(node.parent_id) if node.parent_id else None
        return list(reversed(chain))

    def root_of(self, category: TreeNode) -> N:
        return self.path(category)[0]


def _load_categories() -> list[Category]:
    return list(db.session.scalars(
        sa.select(Category).options(selectinload(Category.translations)).order_by(Category.position, Category.id)))


def category_tree() -> CategoryTree[Category]:
    """Every Category row with its translations (two queries a call), for code that changes
    listings; pages use category_nodes()."""
    return CategoryTree.of(_load_categories())


def category_nodes(memo: Memo | None = None) -> CategoryTree[CategoryNode]:
    """Every category as plain data with its names in every language, loaded once per `memo`.

    The memo keeps copies, not ORM rows: pages need only names and slugs, and rows kept past
    the session made this interpreter crash (Python 3.11.7: heap corruption under
    PYTHONMALLOC=debug after the English home page; cause not found)."""
    return memo.get("category_nodes", _load_nodes) if memo is not None else _load_nodes()


def _load_nodes() -> CategoryTree[CategoryNode]:
    return CategoryTree.of([
        CategoryNode(c.id, c.slug, c.parent_id, {t.lang: CategoryText(t.name, t.description or "")
                                                 for t in c.translations})
        for c in _load_categories()])


def category_and_descendants(slug: str, memo: Memo | None = None) -> list[int] | None:
    """Ids of the category named by `slug` and its children, or None when it does not exist."""
    tree = category_nodes(memo)
    category = tree.by_slug.get(slug)
    return tree.descendant_ids(category) if category is not None else None


def product_query(*, category: str | None = None, origin: str | None = None,
                  product_ids: Iterable[int] | None = None, memo: Memo | None = None) -> sa.Select[Product] | None:
    """The select for active products with the filters applied (None when a filter names nothing)."""
    stmt = sa.select(Product).where(Product.active.is_(True))
    if category:
        ids = category_and_descendants(category, memo)
        if ids is None:
            return None
        stmt = stmt.where(Product.category_id.in_(ids))
    if origin:
        stmt = stmt.where(Product.origin_country == origin.upper()[:2])
    if product_ids is not None:
        stmt = stmt.where(Product.id.in_(product_ids))
    return stmt


def with_details(stmt: sa.Select[Product]) -> sa.Select[Product]:
    return stmt.options(
        selectinload(Product.translations),
        selectinload(Product.merchant),
        selectinload(Product.category).selectinload(Category.translations),
        selectinload(Product.images),
    )


def paginate(stmt: sa.Select[Product], page: int, per_page: int,
             order_by: Sequence[sa.ColumnExpressionArgument[Any]] | None = None,
             count_stmt: sa.Select[Any] | None = None) -> Page:
    """One count and one page of products, loaded with their texts (`count_stmt`, when given,
    counts the same products more cheaply than `stmt`)."""
    page = max(1, page)
    counted = (count_stmt if count_stmt is not None else stmt).order_by(None)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(counted.subquery())) or 0
    pages = max(1, math.ceil(total / per_page))
    ordered = stmt.order_by(*(order_by if order_by is not None else [Product.id]))
    items = list(db.session.scalars(with_details(ordered).limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, page=page, pages=pages, total=total, per_page=per_page)


def _price_bounds(filters: Filters, rates: pricing.Rates) -> tuple[Decimal | None, Decimal | None]:
    """The CNY prices that show as `min_price`..`max_price` in the buyer's currency: a price
    rounds half up to the minor unit, so the ends widen by half of one."""
    rate = rates.get(filters.currency)
    per_cny = rate.per_cny if rate is not None and rate.per_cny > 0 else Decimal(1)
    half = Decimal(1).scaleb(-money.CURRENCIES.get(filters.currency, 2)) / 2
    low = (filters.min_price - half) / per_cny if filters.min_price is not None else None
    high = (filters.max_price + half) / per_cny if filters.max_price is not None else None
    return low, high


def _filtered(filters: Filters, tree: CategoryTree[CategoryNode], found: search.Match | None, rates: pricing.Rates,
              *, skip: str = "") -> sa.Select[Any]:
    """Ids of active products passing every filter but `skip` ("categories" or "origins")."""
    stmt = sa.select(Product.id).where(Product.active.is_(True))
    if filters.categories and skip != "categories":
        ids = [i for slug in filters.categories for i in tree.descendant_ids(tree.by_slug[slug])]
        stmt = stmt.where(Product.category_id.in_(ids))
    if filters.origins and skip != "origins":
        stmt = stmt.where(Product.origin_country.in_(filters.origins))
    low, high = _price_bounds(filters, rates)
    if low is not None:
        stmt = stmt.where(Product.price_cny >= low)
    if high is not None:
        stmt = stmt.where(Product.price_cny < high)
    if filters.in_stock:
        stock = stock_available_subquery()
        stmt = stmt.where(Product.id.in_(sa.select(stock.c.product_id).where(stock.c.available > 0)))
    # Browsing shows one card per product (its variants are chosen on its page); a search finds each.
    return stmt.where(Product.id.in_(found.ids) if found is not None else variants.is_listed())


def _facets(filters: Filters, tree: CategoryTree[CategoryNode], found: search.Match | None,
            rates: pricing.Rates) -> Facets:
    """Two grouped counts: by category (rolled up to the parents) and by origin."""
    by_category = _filtered(filters, tree, found, rates, skip="categories").subquery()
    counts: dict[int, int] = {}
    for category_id, n in db.session.execute(
            sa.select(Product.category_id, sa.func.count()).where(Product.id.in_(sa.select(by_category.c.id)))
            .group_by(Product.category_id)):
        node = tree.by_id.get(category_id)
        for ancestor in (tree.path(node) if node is not None else []):
            counts[ancestor.id] = counts.get(ancestor.id, 0) + int(n)
    by_origin = _filtered(filters, tree, found, rates, skip="origins").subquery()
    count = sa.func.count()
    origins = [(code, int(n)) for code, n in db.session.execute(
        sa.select(Product.origin_country, count).where(Product.id.in_(sa.select(by_origin.c.id)))
        .group_by(Product.origin_country).order_by(count.desc(), Product.origin_country))]
    return Facets(categories=counts, origins=origins)


def listing(*, lang: str, q: str = "", category: str | None = None, origin: str | None = None,
            sort: str = "relevance", page: int = 1, per_page: int = 24, memo: Memo | None = None,
            filters: Filters | None = None, facets: bool = False) -> Listing:
    """Active products matching the search words and filters, sorted, one page of them, and
    (with `facets`) how many each other choice would show.

    `filters` holds every choice; `q`, `category` and `origin` are a shorter way to give one
    of each. Raises UnknownCategory for a slug that names nothing; an origin nobody sells from
    is simply an empty listing."""
    if filters is None:
        filters = Filters(q=q, categories=(category,) if category else (),
                          origins=(origin.upper(),) if origin else ())
    tree = category_nodes(memo)
    for slug in filters.categories:
        if slug not in tree.by_slug:
            raise UnknownCategory(slug)
    chosen = [tree.by_slug[slug] for slug in filters.categories]
    sort = sort_name(sort) or "relevance"
    found = search.matches(filters.q, lang) if filters.q else None
    if filters.q and found is None:  # words made only of punctuation: nothing can match
        return Listing(Page([], 1, 1, 0, per_page), {}, chosen[0] if chosen else None, chosen)
    rates = pricing.latest_rates(memo)
    counted = _filtered(filters, tree, found, rates)
    stmt = sa.select(Product).where(Product.id.in_(counted))
    score = None
    if found is not None and sort == "relevance":
        stmt = stmt.join(found.ranked, found.ranked.c.product_id == Product.id)
        score = found.ranked.c.score
    order: list[sa.ColumnExpressionArgument[Any]]
    if sort == "price":
        order = [Product.price_cny.asc(), Product.id]
    elif sort == "-price":
        order = [Product.price_cny.desc(), Product.id]
    elif sort == "newest":
        order = [Product.created_at.desc(), Product.id.desc()]
    else:
        order = [Product.featured.desc(), Product.created_at.desc(), Product.id.desc()]
        if score is not None:
            order.insert(0, score.desc())
    result = paginate(stmt, page, per_page, order_by=order, count_stmt=counted)
    return Listing(result, stock_available(p.id for p in result.items), chosen[0] if chosen else None, chosen,
                   _facets(filters, tree, found, rates) if facets else Facets())


def suggest(query: str, lang: str, limit: int = 10) -> list[tuple[str, str, str]]:
    """What a buyer typing `query` may be after: up to `limit` products on sale, best first,
    as (sku, name, slug) in `lang` (or English, or any language the product has)."""
    found = search.matches(query, lang)
    if found is None:
        return []
    stmt = (sa.select(Product).join(found.ranked, found.ranked.c.product_id == Product.id)
            .where(Product.active.is_(True))
            .order_by(found.ranked.c.score.desc(), Product.featured.desc(), Product.id).limit(limit)
            .options(selectinload(Product.translations)))
    out = []
    for product in db.session.scalars(stmt):
        text = product.text(lang)
        if text is not None:
            out.append((product.sku, text.name, text.slug))
    return out


def featured(limit: int = 8) -> list[Product]:
    stmt = (sa.select(Product).where(Product.active.is_(True), Product.featured.is_(True), variants.is_listed())
            .order_by(Product.created_at.desc(), Product.id.desc()).limit(limit))
    return list(db.session.scalars(with_details(stmt)))


def newest(limit: int = 8, exclude: tuple[int, ...] = ()) -> list[Product]:
    stmt = sa.select(Product).where(Product.active.is_(True), variants.is_listed())
    if exclude:
        stmt = stmt.where(Product.id.not_in(exclude))
    stmt = stmt.order_by(Product.created_at.desc(), Product.id.desc()).limit(limit)
    return list(db.session.scalars(with_details(stmt)))


def related(product: Product, limit: int = 4) -> list[Product]:
    """Other listings of the same category, featured first."""
    stmt = (sa.select(Product)
            .where(Product.active.is_(True), Product.category_id == product.category_id, Product.id != product.id,
                   variants.is_listed(), sa.or_(Product.variant_group_id.is_(None),
                                                Product.variant_group_id != product.variant_group_id))
            .order_by(Product.featured.desc(), Product.created_at.desc(), Product.id).limit(limit))
    return list(db.session.scalars(with_details(stmt)))


def origin_counts() -> list[tuple[str, int]]:
    """Origin countries of active listings with how many each has, most first."""
    count = sa.func.count(Product.id)
    rows = db.session.execute(sa.select(Product.origin_country, count).where(Product.active.is_(True))
                              .group_by(Product.origin_country).order_by(count.desc(), Product.origin_country))
    return [(code, int(n)) for code, n in rows]


_ON_SALE = sa.select(Product).where(Product.sku.in_(sa.bindparam("skus", expanding=True)), Product.active.is_(True))


def on_sale_by_sku(skus: list[str]) -> dict[str, Product]:
    """The products on sale among `skus`, by SKU (those not on sale are missing)."""
    return {p.sku: p for p in db.session.scalars(_ON_SALE, {"skus": list(skus)})} if skus else {}


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


def _variants_json(found: variants.Family, stock: dict[int, int]) -> dict[str, Any]:
    kinds = found.kinds
    return {
        # The web layer adds each option's name in the four languages (words buyers read).
        "options": [{"code": kind,
                     "values": _distinct([(m.option_values or [])[n] for m in found.members
                                          if len(m.option_values or []) > n])}
                    for n, kind in enumerate(kinds)],
        "variants": [{"sku": m.sku, "options": dict(zip(kinds, m.option_values or [], strict=False)),
                      "price": {"amount": f"{m.price_cny:.2f}", "currency": "CNY"},
                      "stock_available": stock.get(m.id, 0)} for m in found.members],
    }


def _distinct(values: list[dict[str, str]]) -> list[dict[str, str]]:
    seen, out = set(), []
    for value in values:
        key = variant_rules.combination([value])
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


def product_to_dict(product: Product, available: int, family: variants.Family | None = None,
                    family_stock: dict[int, int] | None = None) -> dict[str, Any]:
    """A product in the API's shape (CONTRACT.md); with its family, its options and variants."""
    texts = {t.lang: t for t in product.translations}
    english = texts.get("en")
    extra = _variants_json(family, family_stock or {}) if family is not None else {}
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
        "images": images_to_list(product),
        **extra,
    }


def products_to_dicts(products: Sequence[Product], stock: dict[int, int]) -> list[dict[str, Any]]:
    """Products in the API's shape, each variant with its family (families read once for all)."""
    found = variants.families(products)
    members = {m.id for f in found.values() for m in f.members} - set(stock)
    family_stock = {**stock, **(stock_available(members) if members else {})}
    return [product_to_dict(p, stock.get(p.id, 0), found.get(p.id), family_stock) for p in products]


@dataclass(frozen=True)
class SitemapEntry:
    """A product's page in every language: its slug in each (English's where it has no text
    of its own, as its page does) and when it last changed."""

    slugs: dict[str, str]
    updated: dt.date | None


def sitemap_product_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Product.id)).where(Product.active.is_(True))) or 0


def sitemap_products(offset: int, limit: int) -> list[SitemapEntry]:
    """Active products `offset`..`offset + limit` by id, with their slugs: two queries."""
    rows = db.session.execute(sa.select(Product.id, Product.updated_at).where(Product.active.is_(True))
                              .order_by(Product.id).offset(offset).limit(limit)).all()
    if not rows:
        return []
    ids = [r.id for r in rows]
    slugs: dict[int, dict[str, str]] = {}
    for pid, lang, slug in db.session.execute(
            sa.select(ProductTranslation.product_id, ProductTranslation.lang, ProductTranslation.slug)
            .where(ProductTranslation.product_id.in_(ids))):
        slugs.setdefault(pid, {})[lang] = slug
    entries = []
    for r in rows:
        own = slugs.get(r.id, {})
        fallback = own.get("en") or next(iter(own.values()), None)
        if fallback is None:  # no text in any language: no page
            continue
        entries.append(SitemapEntry({lang: own.get(lang, fallback) for lang in LANGS},
                                    r.updated_at.date() if r.updated_at else None))
    return entries
