"""Product search in Chinese, Russian, Urdu and English, typed as buyers type.

Each product has one SearchDocument per language, whose id is product_id * 4 + the language's
place (so an index alone says which product matched), and whose `body` is normalised text
(case, width and marks folded) laid out as

    " name name-pairs \x1f sku category-names \x1f description \x1f category-pairs "

SQLite finds candidates in the FTS5 trigram table `search_fts` over the bodies and ranks them
with `search_fts_names`, which holds the name part alone; PostgreSQL finds them through the
pg_trgm GIN index `ix_search_trgm_body` and ranks by where in the body a word falls. The
migrations make both and the database keeps them current. Trigrams need three characters, so:
- a two-character word in a spaced script is looked up as " xy" (words starting with it);
- two Chinese characters are looked up as "xy " among the character pairs the body lists;
- anything shorter falls back to a plain substring scan (LIKE), of the names alone when the
  query has nothing longer.
Russian and English words lose their endings first, so "шоколада" finds "шоколад". A better
match has the words in its name (and at the start of a word there, and in the page's language).
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from shop.extensions import db
from shop.models import Product, SearchDocument

MAX_QUERY = 200
MAX_TERMS = 8
MAX_TERM_LENGTH = 64
SEPARATOR = "\x1f"
FTS_TABLE = "search_fts"
NAMES_TABLE = "search_fts_names"
LANGS = ("en", "zh", "ru", "ur")  # their order is part of the stored document ids: append only

# Letters Arabic keyboards type where Urdu has its own (yeh, kaf, heh).
_ARABIC_TO_URDU = {0x064A: "\u06cc", 0x0649: "\u06cc", 0x0643: "\u06a9", 0x0647: "\u06c1"}
_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)")
_CYRILLIC = re.compile(r"^[\u0400-\u04ff]+$")
_LATIN = re.compile(r"^[a-z]+$")
# Inflectional endings of nouns, adjectives and common verb forms, longest first.
_RUSSIAN_ENDINGS = sorted({
    "иями", "ями", "ами", "ыми", "ими", "ого", "его", "ому", "ему", "ией", "иям", "ием", "иях", "ешь", "ете",
    "ует", "уют", "ают", "яют", "ает", "яет", "ить", "ать", "ять", "еть", "ый", "ий", "ой", "ей", "ии", "ая", "яя",
    "ое", "ее", "ые", "ие", "ых", "их", "ым", "им", "ую", "юю", "ою", "ею", "ом", "ем", "ам", "ям", "ах", "ях",
    "ов", "ев", "ью", "ья", "ье", "ия", "ию", "а", "я", "о", "е", "ы", "и", "у", "ю", "ь",
}, key=len, reverse=True)


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x2FA1F
            or 0x3040 <= code <= 0x30FF or 0xAC00 <= code <= 0xD7AF)


class _Folding(dict[int, str | None]):
    """str.translate table built as characters are met: marks vanish, punctuation, symbols,
    controls and separators become spaces, Arabic keyboard letters become Urdu ones."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        category = unicodedata.category(char)
        if category == "Mn":
            value = None
        elif category[0] in "PSCZ":
            value = " "
        else:
            value = _ARABIC_TO_URDU.get(code, char)
        self[code] = value
        return value


_SHORT_I = "\ue000"  # stands in for й while marks are stripped: й is a letter, not и with a mark
_FOLDING = _Folding({ord(_SHORT_I): "\u0439"})


def normalise(text: str) -> str:
    """Text folded for matching: case, width, diacritics (ё→е, é→e, but й stays), Arabic letter forms;
    punctuation, symbols and control characters become spaces; digits part from letters."""
    text = (text or "").casefold().replace("\u0439", _SHORT_I)
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFKD", text).translate(_FOLDING))
    return " ".join(_DIGIT_LETTER.sub(" ", folded).split())


def _cjk_bigrams(text: str) -> str:
    """Every pair of neighbouring CJK characters followed by a space, once each."""
    seen: dict[str, None] = {}
    run = ""
    for char in text + " ":
        if _is_cjk(char):
            run += char
            continue
        for i in range(len(run) - 1):
            seen.setdefault(run[i:i + 2])
        run = ""
    return " ".join(seen)


def document_body(name: str, sku: str, category_names: str, description: str) -> str:
    """The searchable text of one translation, in the layout the ranking reads. Chinese
    character pairs of the name go with the name, those of the categories at the end, where
    two typed characters find them."""
    name_n, desc_n, cats_n = normalise(name), normalise(description), normalise(category_names)
    name_pairs = _cjk_bigrams(name_n)
    cat_pairs = " ".join(p for p in _cjk_bigrams(cats_n).split() if p not in set(name_pairs.split()))
    return (f" {name_n} {name_pairs} {SEPARATOR} {normalise(sku)} {cats_n} {SEPARATOR} {desc_n} "
            f"{SEPARATOR} {cat_pairs} ")


def _category_names(product: Product) -> dict[str, str]:
    """The names of the product's category and its parent, by language."""
    names: dict[str, list[str]] = {}
    category = product.category
    for node in (category, category.parent if category is not None else None):
        for t in (node.translations if node is not None else []):
            names.setdefault(t.lang, []).append(t.name)
    return {lang: " ".join(parts) for lang, parts in names.items()}


def document_bodies(sku: str, texts: dict[str, tuple[str, str]], categories: dict[str, str]) -> dict[str, str]:
    """A product's search document per language, from its (name, description) by language and
    its category names by language. Each document carries its own language's category names;
    names in languages the product has no text in go with the first (English) one, so they
    still find it."""
    langs = sorted(texts, key=lambda lang: (lang != "en", lang))
    orphans = " ".join(names for lang, names in categories.items() if lang not in texts)
    bodies = {}
    for i, lang in enumerate(langs):
        name, description = texts[lang]
        category_names = categories.get(lang, "") + (f" {orphans}" if i == 0 and orphans else "")
        bodies[lang] = document_body(name, sku, category_names, description or "")
    return bodies


def document_id(product_id: int, lang: str) -> int:
    """A search document's id says whose it is (product_id * 4 + the language's place), so the
    full-text index alone tells which products match, without reading the documents."""
    return product_id * len(LANGS) + LANGS.index(lang)


def index_product(product: Product) -> None:
    """(Re)write a product's search documents from its translations and category names.

    Call after changing a product's texts or category; the caller commits. The database keeps
    the full-text index in step with these rows."""
    db.session.execute(sa.delete(SearchDocument).where(SearchDocument.product_id == product.id),
                       execution_options={"synchronize_session": False})
    texts = {t.lang: (t.name, t.description) for t in product.translations if t.lang in LANGS}
    for lang, body in document_bodies(product.sku, texts, _category_names(product)).items():
        db.session.add(SearchDocument(id=document_id(product.id, lang), product_id=product.id, lang=lang, body=body))


def stem(word: str) -> str:
    """A Russian or English word without its inflectional ending (at least two letters stay)."""
    if _CYRILLIC.match(word):
        for ending in _RUSSIAN_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 2:
                return word[: -len(ending)]
        return word
    if _LATIN.match(word) and len(word) > 3:
        if word.endswith(("ches", "shes", "sses", "xes")):
            return word[:-2]
        if word.endswith("ies") and len(word) > 4:
            return word[:-3]
        if word.endswith("s") and not word.endswith("ss"):
            return word[:-1]
    return word


@dataclass(frozen=True)
class Term:
    """One word of a query: `text` is what the name is ranked on, `needle` what the index looks for."""

    text: str
    needle: str
    indexed: bool  # the needle has three characters or more, so trigrams can find it


def parse_query(query: str) -> list[Term]:
    """The query as normalised, stemmed terms (at most eight), each with its index needle."""
    terms: list[Term] = []
    for word in normalise((query or "")[:MAX_QUERY]).split(" "):
        word = stem(word[:MAX_TERM_LENGTH])
        if not word or any(t.text == word for t in terms):
            continue
        if len(word) >= 3:
            terms.append(Term(word, word, True))
        elif len(word) == 2 and all(_is_cjk(c) for c in word):
            terms.append(Term(word, word + " ", True))
        elif not any(_is_cjk(c) for c in word):
            needle = " " + word
            terms.append(Term(word, needle, len(needle) >= 3))
        else:
            terms.append(Term(word, word, False))
        if len(terms) == MAX_TERMS:
            break
    return terms


def escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_phrase(needle: str) -> str:
    return '"' + needle.replace('"', '""') + '"'


_tables_present: dict[str, bool] = {}


def _has_fts(bind: sa.Engine | sa.Connection) -> bool:
    """Whether this SQLite database has the trigram tables the migrations make (one made by
    create_all does not; search then reads the documents themselves)."""
    key = str(bind.engine.url)  # a session may be bound to a connection (as in the tests)
    if key not in _tables_present:
        found = set(db.session.scalars(sa.text(
            "SELECT name FROM sqlite_master WHERE type='table' AND name IN (:a, :b)"),
            {"a": FTS_TABLE, "b": NAMES_TABLE}))
        _tables_present[key] = found == {FTS_TABLE, NAMES_TABLE}
    return _tables_present[key]


@dataclass
class Match:
    """What a query matches: `ids`, a select of the matching product ids (cheap, for counting
    and filtering), and `ranked`, a subquery of (product_id, score) with one row per matching
    product (higher scores are better matches)."""

    ids: sa.Select[Any]
    ranked: sa.Subquery


def _fts_ids(table: str, needles: list[str], lang_index: int | None = None) -> sa.Select[Any]:
    """Product ids of a trigram table's rows holding every needle, read from the index alone."""
    rowid = sa.literal_column("rowid", sa.Integer)
    match = sa.text(f"{table} MATCH :needles").bindparams(
        sa.bindparam("needles", " AND ".join(_fts_phrase(n) for n in needles), unique=True))
    stmt = sa.select((rowid // len(LANGS)).label("product_id")).select_from(sa.table(table)).where(match)
    return stmt.where(rowid % len(LANGS) == lang_index) if lang_index is not None else stmt


def _points(
    table: str, needles: list[str], points: int, candidate: int = 0, lang_index: int | None = None
) -> sa.Select[Any]:
    found = _fts_ids(table, needles, lang_index).subquery()
    return sa.select(found.c.product_id.label("pid"), sa.literal(points).label("points"),
                     sa.literal(candidate).label("candidate")).distinct()


def _sqlite_match(terms: list[Term], lang: str) -> Match:
    """Candidates and name scores from the trigram tables alone; words too short for trigrams
    are looked for in the documents of those candidates."""
    indexed = [t for t in terms if t.indexed]
    short = [t for t in terms if not t.indexed]
    ids: sa.Select[Any] | None = _fts_ids(FTS_TABLE, [t.needle for t in indexed]) if indexed else None
    if short and ids is not None:  # the other words narrowed it down: read those documents
        ids = sa.select(SearchDocument.product_id.label("product_id")).where(
            SearchDocument.product_id.in_(ids), *[sa.func.instr(SearchDocument.body, t.needle) > 0 for t in short])
    elif short:  # only a letter or two: scan the names (LIKE), not every description, and only
        # once: the count and the page then share the list
        name: sa.ColumnClause[str] = sa.literal_column("name")
        product_ids = sorted(set(db.session.scalars(
            sa.select(sa.literal_column("rowid", sa.Integer) // len(LANGS))
            .select_from(sa.table(NAMES_TABLE)).where(*[sa.func.instr(name, t.needle) > 0 for t in short]))))
        ids = sa.select(sa.literal_column("value", sa.Integer).label("product_id")).select_from(
            sa.func.json_each(sa.bindparam("short_ids", json.dumps(product_ids), unique=True)))
    if ids is None:
        raise ValueError("a query without words has no match")  # matches() never asks for one
    if short:
        candidates = ids.subquery()
        parts = [sa.select(candidates.c.product_id.label("pid"), sa.literal(0).label("points"),
                           sa.literal(1).label("candidate")).distinct()]
    else:
        parts = [_points(FTS_TABLE, [t.needle for t in indexed], 0, candidate=1)]
    # Better matches have the words in their names: 3 points a word, 2 more where a word of the
    # name starts with it, 1 more when the name in the page's language holds them all.
    for t in indexed:
        parts.append(_points(NAMES_TABLE, [t.needle], 3))
        if not t.needle.startswith(" ") and not t.needle.endswith(" "):
            parts.append(_points(NAMES_TABLE, [" " + t.text], 2))
    if indexed and lang in LANGS:
        parts.append(_points(NAMES_TABLE, [t.needle for t in indexed], 1, lang_index=LANGS.index(lang)))
    # One grouped pass: candidates with the points their names earn (never a join per row).
    points = sa.union_all(*parts).subquery("search_points")
    ranked = (sa.select(points.c.pid.label("product_id"), sa.func.sum(points.c.points).label("score"))
              .group_by(points.c.pid).having(sa.func.max(points.c.candidate) == 1).subquery("search_ranked"))
    return Match(ids=ids, ranked=ranked)


def _document_match(terms: list[Term], lang: str, dialect: str) -> Match:
    """Candidates and scores read from the documents: PostgreSQL (its pg_trgm index serves
    the LIKEs) and SQLite databases without the trigram tables."""
    body = SearchDocument.body

    def position(needle: str) -> sa.ColumnElement[int]:
        return sa.func.instr(body, needle) if dialect == "sqlite" else sa.func.strpos(body, needle)

    if dialect == "sqlite":
        conditions = [position(t.needle) > 0 for t in terms]
    else:
        conditions = [body.like(f"%{escape_like(t.needle)}%", escape="\\") for t in terms]
    name_end = position(SEPARATOR)
    score: sa.ColumnElement[int] = sa.case((SearchDocument.lang == lang, 1), else_=0)
    for t in terms:
        in_name = position(t.text)
        starts_word = position(" " + t.text)
        score = score + sa.case((sa.and_(in_name > 0, in_name < name_end), 3), else_=0)
        score = score + sa.case((sa.and_(starts_word > 0, starts_word < name_end), 2), else_=0)
    ranked = (sa.select(SearchDocument.product_id.label("product_id"), sa.func.max(score).label("score"))
              .where(*conditions).group_by(SearchDocument.product_id).subquery("search_ranked"))
    ids = sa.select(SearchDocument.product_id.label("product_id")).where(*conditions)
    return Match(ids=ids, ranked=ranked)


def matches(query: str, lang: str = "en") -> Match | None:
    """What `query` matches (every word must), or None when the query has no words."""
    terms = parse_query(query)
    if not terms:
        return None
    bind = db.session.get_bind()
    if bind.dialect.name == "sqlite" and _has_fts(bind):
        return _sqlite_match(terms, lang)
    return _document_match(terms, lang, bind.dialect.name)


def search_product_ids(query: str, lang: str = "en", limit: int = 5000) -> list[int]:
    """Ids of products whose text matches every word of `query`, best first."""
    found = matches(query, lang)
    if found is None:
        return []
    stmt = (sa.select(found.ranked.c.product_id)
            .order_by(found.ranked.c.score.desc(), found.ranked.c.product_id).limit(limit))
    return list(db.session.scalars(stmt))


def _count_on_sale(query: str, lang: str) -> int:
    from shop.models import Product
    found = matches(query, lang)
    if found is None:
        return 0
    return db.session.scalar(sa.select(sa.func.count(Product.id)).where(
        Product.active.is_(True), Product.id.in_(found.ids))) or 0


def suggestions(query: str, lang: str = "en", limit: int = 3) -> list[tuple[str, int]]:
    """What to try when `query` finds nothing: its single words that find something on their
    own, or a shorter form of a lone long word; each with how many products it finds."""
    words = normalise((query or "")[:MAX_QUERY]).split()[:MAX_TERMS]
    tries = words if len(words) > 1 else [words[0][:n] for n in range(len(words[0]) - 1, 2, -1)][:4] if words else []
    found = []
    for word in tries:
        count = _count_on_sale(word, lang)
        if count:
            found.append((word, count))
            if len(words) == 1 or len(found) == limit:
                break
    return found


def reindex_all() -> int:
    """Rewrite every product's search documents (after the body layout changes); returns the count."""
    from sqlalchemy.orm import selectinload

    from shop.models import Category, Product
    products = db.session.scalars(sa.select(Product).options(
        selectinload(Product.translations),
        selectinload(Product.category).selectinload(Category.translations),
        selectinload(Product.category).selectinload(Category.parent).selectinload(Category.translations),
    )).all()
    for product in products:
        index_product(product)
    return len(products)
