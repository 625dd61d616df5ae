"""Product search in Chinese, Russian, Urdu and English, typed as buyers type, typos included.

Each product has one SearchDocument per language, whose id is product_id * 4 + the language's
place (so an index alone says which product matched), and whose `body` is normalised text
(case, width and marks folded; Arabic keyboard letters and ھ folded to the Urdu ones) laid out as

    "\x02 name \x03 name-pairs name-singles name-pinyin \x1f sku category-names \x1f description
     \x1f category-pairs category-pinyin "

SQLite finds candidates in the FTS5 trigram table `search_fts` over the bodies and ranks them
with `search_fts_names`, which holds the name part alone; PostgreSQL finds them through the
pg_trgm GIN index `ix_search_trgm_body` and ranks by where in the body a word falls. The
migrations make both and the database keeps them current. Trigrams need three characters, so:
- a two-character word in a spaced script is looked up as " xy" (words starting with it);
- two Chinese characters are looked up as "xy " among the character pairs the body lists;
- one character is looked up as "\x1ex\x1e" among the name's singles: each Chinese character
  of the name and the first letter of each of its words; so every query goes through an index.
Chinese names and category names also carry their pinyin (pypinyin, at write time, no tones):
each syllable and each run of syllables joined, so `mianbao`, `mian bao` and `miànbāo` find 面包.
Russian and English words lose their endings first, so "шоколада" finds "шоколад".

Typos: every word of four letters or more written in any document goes into the spelling
vocabulary (`search_word`). A query word that begins no vocabulary word is also looked for as
the vocabulary words within one edit of it (two from eight letters; a wrong, missing, extra or
swapped letter is one edit), found with rapidfuzz over the vocabulary each worker keeps in
memory (reloaded when the table changes). The same code runs on both databases.

Ranking, best first: the whole name typed (10 points), a word of the name starting with the
query word (5), the word inside the name (3), a spelling correction of it in the name (2), the
name in the page's language (1), then matches in categories and descriptions alone (0).
"""
from __future__ import annotations

import bisect
import functools
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from rapidfuzz import process
from rapidfuzz.distance import OSA

from shop.extensions import db
from shop.models import Product, SearchDocument, SearchWord

MAX_QUERY = 200
MAX_TERMS = 8
MAX_TERM_LENGTH = 64
SEPARATOR = "\x1f"
EXACT_OPEN, EXACT_CLOSE = "\x02", "\x03"  # around the whole name: typing all of it is found as one needle
SINGLE = "\x1e"  # around a one-character token: "\x1ex\x1e" is three characters, so trigrams find it
FTS_TABLE = "search_fts"
NAMES_TABLE = "search_fts_names"
LANGS = ("en", "zh", "ru", "ur")  # their order is part of the stored document ids: append only
VOCABULARY_MIN = 4  # shorter words are never corrected (too many neighbours)
MAX_CORRECTIONS = 6

# Letters Arabic keyboards type where Urdu has its own (yeh, kaf, heh), and the two-eyed heh
# (ھ) that buyers type for the round one (ہ) and back: both fold to ہ.
_ARABIC_TO_URDU = {0x064A: "\u06cc", 0x0649: "\u06cc", 0x0643: "\u06a9", 0x0647: "\u06c1", 0x06BE: "\u06c1"}
_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)")
# A tone number after a syllable's last letter (a vowel, n, g or r), in a query of Latin
# letters, digits and spaces only: "mian4bao1", not "b2" or the "1" of "RU-CHOC-1".
_PINYIN_TONE_DIGIT = re.compile(r"(?<=[aeiouvüngr])[1-5](?![0-9])", re.IGNORECASE)
_PINYIN_QUERY = re.compile(r"^[a-zA-ZüÜ1-5 ]+$")
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


def _cjk_runs(text: str) -> list[str]:
    runs, run = [], ""
    for char in text + " ":
        if _is_cjk(char):
            run += char
        elif run:
            runs.append(run)
            run = ""
    return runs


def _cjk_bigrams(text: str) -> str:
    """Every pair of neighbouring CJK characters followed by a space, once each."""
    seen: dict[str, None] = {}
    for run in _cjk_runs(text):
        for i in range(len(run) - 1):
            seen.setdefault(run[i:i + 2])
    return " ".join(seen)


def _singles(text: str) -> str:
    """The one-character tokens of a name: each CJK character and each word's first letter."""
    seen: dict[str, None] = {}
    for word in text.split():
        for char in word:
            if _is_cjk(char):
                seen.setdefault(char)
        if word and not _is_cjk(word[0]):
            seen.setdefault(word[0])
    return " ".join(f"{SINGLE}{c}{SINGLE}" for c in seen)


@functools.lru_cache(maxsize=4096)  # category names repeat on every product of an import
def pinyin(text: str) -> str:
    """The toneless pinyin of the Chinese in `text`: each syllable, then the run's syllables
    joined ("mian bao mianbao"); empty when there is no Chinese."""
    runs = _cjk_runs(text)
    if not runs:
        return ""
    from pypinyin import lazy_pinyin  # imported here: its dictionaries cost ~50 MB, and only writes need them
    words: dict[str, None] = {}
    for run in runs:
        syllables = [s for s in lazy_pinyin(run) if _LATIN.match(s)]
        for s in syllables:
            words.setdefault(s)
        if len(syllables) > 1:
            words.setdefault("".join(syllables))
            for i in range(len(syllables) - 1):  # two-character words, for the spelling vocabulary
                words.setdefault(syllables[i] + syllables[i + 1])
    return " ".join(words)


def document_body(name: str, sku: str, category_names: str, description: str) -> str:
    """The searchable text of one translation, in the layout the ranking reads. Chinese
    character pairs, single characters and pinyin of the name go with the name, those of the
    categories at the end, where typed characters find them."""
    name_n, desc_n, cats_n = normalise(name), normalise(description), normalise(category_names)
    name_pairs = _cjk_bigrams(name_n)
    name_set = set(name_pairs.split())
    cat_pairs = " ".join(p for p in _cjk_bigrams(cats_n).split() if p not in name_set)
    return (f"{EXACT_OPEN} {name_n} {EXACT_CLOSE} {name_pairs} {_singles(name_n)} {pinyin(name_n)} {SEPARATOR} "
            f"{normalise(sku)} {cats_n} {SEPARATOR} {desc_n} {SEPARATOR} {cat_pairs} {pinyin(cats_n)} ")


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


def vocabulary_words(bodies: Iterable[str]) -> set[str]:
    """The words of documents worth correcting a typo towards: four letters or more, no digits,
    not Chinese (pinyin stands in for it)."""
    words: set[str] = set()
    for body in bodies:
        for word in body.split():
            if (len(word) >= VOCABULARY_MIN and len(word) <= MAX_TERM_LENGTH and word[0] not in (EXACT_OPEN, SINGLE)
                    and not any(c.isdigit() or _is_cjk(c) for c in word)):
                words.add(word)
    return words


def add_to_vocabulary(words: Iterable[str]) -> None:
    """Put words into the spelling vocabulary, once each (the caller commits)."""
    rows = [{"word": w} for w in sorted(set(words))]
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert
        stmt: Any = pg_insert(SearchWord).on_conflict_do_nothing(index_elements=["word"])
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert
        stmt = sqlite_insert(SearchWord).on_conflict_do_nothing(index_elements=["word"])
    for start in range(0, len(rows), 500):
        db.session.execute(stmt, rows[start:start + 500])


def document_id(product_id: int, lang: str) -> int:
    """A search document's id says whose it is (product_id * 4 + the language's place), so the
    full-text index alone tells which products match, without reading the documents."""
    return product_id * len(LANGS) + LANGS.index(lang)


def index_product(product: Product) -> None:
    """(Re)write a product's search documents from its translations and category names, and
    add their words to the spelling vocabulary.

    Call after changing a product's texts or category; the caller commits. The database keeps
    the full-text index in step with these rows."""
    db.session.execute(sa.delete(SearchDocument).where(SearchDocument.product_id == product.id),
                       execution_options={"synchronize_session": False})
    texts = {t.lang: (t.name, t.description) for t in product.translations if t.lang in LANGS}
    bodies = document_bodies(product.sku, texts, _category_names(product))
    for lang, body in bodies.items():
        db.session.add(SearchDocument(id=document_id(product.id, lang), product_id=product.id, lang=lang, body=body))
    add_to_vocabulary(vocabulary_words(bodies.values()))


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


# ---- the spelling vocabulary ---------------------------------------------------------------

def max_edits(word: str) -> int:
    """How many edits a typed word may be from what was meant: none under four letters, one
    up to seven, two from eight."""
    return 0 if len(word) < VOCABULARY_MIN else 1 if len(word) < 8 else 2


class Vocabulary:
    """The spelling vocabulary in memory: sorted (for "does a word start with this?") and by
    length (so a correction compares a word only with words of about its length)."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = sorted(set(words))
        self.by_length: dict[int, list[str]] = {}
        for word in self.words:
            self.by_length.setdefault(len(word), []).append(word)

    def begins_a_word(self, prefix: str) -> bool:
        i = bisect.bisect_left(self.words, prefix)
        return i < len(self.words) and self.words[i].startswith(prefix)

    def near(self, word: str, edits: int, limit: int = MAX_CORRECTIONS) -> list[str]:
        """Vocabulary words at most `edits` edits from `word` (a swap counts as one), closest first."""
        if edits <= 0:
            return []
        choices = [w for n in range(len(word) - edits, len(word) + edits + 1) for w in self.by_length.get(n, ())]
        found = process.extract(word, choices, scorer=OSA.distance, score_cutoff=edits, limit=limit)
        return [w for w, _distance, _index in sorted(found, key=lambda f: (f[1], f[0])) if w != word]


_vocabularies: dict[str, tuple[tuple[Any, ...], Vocabulary]] = {}
_vocabulary_lock = threading.Lock()


def vocabulary() -> Vocabulary:
    """This database's spelling vocabulary, reloaded when its newest row changed (one indexed
    read of one row per search)."""
    bind = db.session.get_bind()
    key = str(bind.engine.url)
    newest = db.session.execute(
        sa.select(SearchWord.id, SearchWord.word).order_by(SearchWord.id.desc()).limit(1)).first()
    stamp = tuple(newest) if newest is not None else ()
    cached = _vocabularies.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _vocabulary_lock:
        loaded = Vocabulary(db.session.scalars(sa.select(SearchWord.word)))
        _vocabularies[key] = (stamp, loaded)
    return loaded


# ---- queries ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    """One word of a query: `text` is what the name is ranked on, `needle` what the index looks
    for, `word` the word as typed (normalised), `corrections` needles of the vocabulary words it
    may be a typo of."""

    text: str
    needle: str
    word: str = ""
    corrections: tuple[str, ...] = ()
    filter_only: bool = False  # one character beside longer words: checked in their candidates' documents

    @property
    def needles(self) -> list[str]:
        return [self.needle, *self.corrections]


def _query_text(query: str) -> str:
    """The query normalised, with pinyin tone numbers dropped ("mian4bao1" is "mianbao")."""
    query = (query or "")[:MAX_QUERY]
    if _PINYIN_QUERY.match(query):
        query = _PINYIN_TONE_DIGIT.sub("", query)
    return normalise(query)


def parse_query(query: str) -> list[Term]:
    """The query as normalised, stemmed terms (at most eight), each with its index needle."""
    terms: list[Term] = []
    for raw in _query_text(query).split(" "):
        raw = raw[:MAX_TERM_LENGTH]
        word = stem(raw)
        if not word or any(t.text == word for t in terms):
            continue
        if len(word) >= 3:
            terms.append(Term(word, word, raw))
        elif len(word) == 2 and all(_is_cjk(c) for c in word):
            terms.append(Term(word, word + " ", raw))
        elif len(word) == 2:
            terms.append(Term(word, " " + word, raw))
        elif len(word) == 1:
            terms.append(Term(word, f"{SINGLE}{word}{SINGLE}", raw))
        else:  # two characters, one of them Chinese: the rarer pair form would miss it
            terms.append(Term(word, word, raw))
        if len(terms) == MAX_TERMS:
            break
    if any(len(t.text) > 1 for t in terms):  # the longer words find the candidates; a lone
        # letter or digit among them ("chocolate 1") is looked for anywhere in their documents
        terms = [Term(t.text, t.text if _is_cjk(t.text) else " " + t.text, t.word, filter_only=True)
                 if len(t.text) == 1 else t for t in terms]
    return terms


def _correctable(term: Term) -> bool:
    return len(term.word) >= VOCABULARY_MIN and not any(c.isdigit() or _is_cjk(c) for c in term.word)


def with_corrections(terms: list[Term]) -> list[Term]:
    """The terms, each word that begins no vocabulary word also looked for as its likely spellings."""
    if not any(_correctable(t) for t in terms):
        return terms
    vocab = vocabulary()
    corrected = []
    for t in terms:
        if _correctable(t) and not vocab.begins_a_word(t.text) and not vocab.begins_a_word(t.word):
            needles = dict.fromkeys(stem(w) for w in vocab.near(t.word, max_edits(t.word)))
            needles.pop(t.needle, None)
            t = Term(t.text, t.needle, t.word, tuple(needles))
        corrected.append(t)
    return corrected


def escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_phrase(needle: str) -> str:
    return '"' + needle.replace('"', '""') + '"'


def _fts_any(needles: list[str]) -> str:
    phrases = [_fts_phrase(n) for n in needles]
    return phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")"


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


# Points (module docstring): what the name holds decides the order.
WHOLE_NAME, WORD_START, IN_NAME, CORRECTION, PAGE_LANGUAGE = 10, 2, 3, 2, 1


def _fts_ids(table: str, groups: list[list[str]], lang_index: int | None = None) -> sa.Select[Any]:
    """Product ids of a trigram table's rows holding one needle of every group, read from the index alone."""
    rowid = sa.literal_column("rowid", sa.Integer)
    match = sa.text(f"{table} MATCH :needles").bindparams(
        sa.bindparam("needles", " AND ".join(_fts_any(g) for g in groups), unique=True))
    stmt = sa.select((rowid // len(LANGS)).label("product_id")).select_from(sa.table(table)).where(match)
    return stmt.where(rowid % len(LANGS) == lang_index) if lang_index is not None else stmt


def _points(
    table: str, groups: list[list[str]], points: int, candidate: int = 0, lang_index: int | None = None
) -> sa.Select[Any]:
    found = _fts_ids(table, groups, lang_index).subquery()
    return sa.select(found.c.product_id.label("pid"), sa.literal(points).label("points"),
                     sa.literal(candidate).label("candidate")).distinct()


def _starts_word_needle(t: Term) -> str | None:
    """The needle for "a word of the name starts with this", where the needle itself does not say so."""
    return None if t.needle[0] in (" ", SINGLE) or t.needle.endswith(" ") else " " + t.text


def _sqlite_match(terms: list[Term], lang: str, whole: str) -> Match:
    """Candidates and name scores from the trigram tables; a lone character beside longer
    words is looked for in those candidates' documents."""
    indexed = [t for t in terms if not t.filter_only]
    filters = [t for t in terms if t.filter_only]
    ids = _fts_ids(FTS_TABLE, [t.needles for t in indexed])
    if filters:
        ids = sa.select(SearchDocument.product_id.label("product_id")).where(
            SearchDocument.product_id.in_(ids), *[sa.func.instr(SearchDocument.body, t.needle) > 0 for t in filters])
        candidates = ids.subquery()
        parts = [sa.select(candidates.c.product_id.label("pid"), sa.literal(0).label("points"),
                           sa.literal(1).label("candidate")).distinct()]
    else:
        parts = [_points(FTS_TABLE, [t.needles for t in indexed], 0, candidate=1)]
    for t in indexed:
        parts.append(_points(NAMES_TABLE, [[t.needle]], IN_NAME))
        start = _starts_word_needle(t)
        if start is not None:
            parts.append(_points(NAMES_TABLE, [[start]], WORD_START))
        if t.corrections:
            parts.append(_points(NAMES_TABLE, [list(t.corrections)], CORRECTION))
    if lang in LANGS:
        parts.append(_points(NAMES_TABLE, [[t.needle] for t in indexed], PAGE_LANGUAGE,
                             lang_index=LANGS.index(lang)))
    parts.append(_points(NAMES_TABLE, [[whole]], WHOLE_NAME))
    # One grouped pass: candidates with the points their names earn (never a join per row).
    points = sa.union_all(*parts).subquery("search_points")
    ranked = (sa.select(points.c.pid.label("product_id"), sa.func.sum(points.c.points).label("score"))
              .group_by(points.c.pid).having(sa.func.max(points.c.candidate) == 1).subquery("search_ranked"))
    return Match(ids=ids, ranked=ranked)


def _document_match(terms: list[Term], lang: str, dialect: str, whole: str) -> Match:
    """Candidates and scores read from the documents: PostgreSQL (its pg_trgm index serves
    the LIKEs) and SQLite databases without the trigram tables."""
    body = SearchDocument.body

    def position(needle: str) -> sa.ColumnElement[int]:
        return sa.func.instr(body, needle) if dialect == "sqlite" else sa.func.strpos(body, needle)

    def holds(needle: str) -> sa.ColumnElement[bool]:
        return position(needle) > 0 if dialect == "sqlite" else body.like(f"%{escape_like(needle)}%", escape="\\")

    conditions = [sa.or_(*[holds(n) for n in t.needles]) for t in terms]
    name_end = position(SEPARATOR)

    def in_name(needle: str) -> sa.ColumnElement[bool]:
        at = position(needle)
        return sa.and_(at > 0, at < name_end)

    all_in_name = sa.and_(*[in_name(t.needle) for t in terms])
    score: sa.ColumnElement[int] = sa.case((sa.and_(SearchDocument.lang == lang, all_in_name), PAGE_LANGUAGE),
                                           else_=0)
    score = score + sa.case((in_name(whole), WHOLE_NAME), else_=0)
    for t in terms:
        score = score + sa.case((in_name(t.needle), IN_NAME), else_=0)
        start = _starts_word_needle(t)
        if start is not None:
            score = score + sa.case((in_name(start), WORD_START), else_=0)
        if t.corrections:
            score = score + sa.case((sa.or_(*[in_name(n) for n in t.corrections]), CORRECTION), else_=0)
    # A product scores what its best document scores.
    per_doc = (sa.select(SearchDocument.product_id.label("product_id"), score.label("score"))
               .where(*conditions).subquery("search_docs"))
    ranked = (sa.select(per_doc.c.product_id, sa.func.max(per_doc.c.score).label("score"))
              .group_by(per_doc.c.product_id).subquery("search_ranked"))
    ids = sa.select(SearchDocument.product_id.label("product_id")).where(*conditions)
    return Match(ids=ids, ranked=ranked)


def matches(query: str, lang: str = "en") -> Match | None:
    """What `query` matches (every word must, as typed or as a likely spelling), or None when
    the query has no words."""
    terms = parse_query(query)
    if not terms:
        return None
    terms = with_corrections(terms)
    whole = f"{EXACT_OPEN} {_query_text(query)} {EXACT_CLOSE}"
    bind = db.session.get_bind()
    if bind.dialect.name == "sqlite" and _has_fts(bind):
        return _sqlite_match(terms, lang, whole)
    return _document_match(terms, lang, bind.dialect.name, whole)


def search_product_ids(query: str, lang: str = "en", limit: int = 5000) -> list[int]:
    """Ids of products whose text matches every word of `query`, best first."""
    found = matches(query, lang)
    if found is None:
        return []
    stmt = (sa.select(found.ranked.c.product_id)
            .order_by(found.ranked.c.score.desc(), found.ranked.c.product_id).limit(limit))
    return list(db.session.scalars(stmt))


def _count_on_sale(query: str, lang: str) -> int:
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


def did_you_mean(query: str, lang: str = "en") -> str | None:
    """The query with each word that begins no known word replaced by the closest known one
    (up to two edits), when that finds something on sale; None otherwise."""
    words = _query_text(query).split()[:MAX_TERMS]
    if not words:
        return None
    vocab = vocabulary()
    corrected, changed = [], False
    for word in words:
        if len(word) >= 3 and not any(c.isdigit() or _is_cjk(c) for c in word) \
                and not vocab.begins_a_word(stem(word)):
            near = vocab.near(word, 2 if len(word) >= 5 else 1, limit=1)
            if near:
                corrected.append(near[0])
                changed = True
                continue
        corrected.append(word)
    if not changed:
        return None
    text = " ".join(corrected)
    return text if _count_on_sale(text, lang) else None


def index_is_stale() -> bool:
    """Whether products were indexed before the spelling vocabulary existed (it is empty while
    documents are not): `shop reindex-search --if-stale` then rebuilds."""
    has_words = db.session.execute(sa.select(SearchWord.id).limit(1)).first() is not None
    return not has_words and db.session.execute(sa.select(SearchDocument.id).limit(1)).first() is not None


def reindex_all() -> int:
    """Rewrite every product's search documents and the spelling vocabulary (after the body
    layout changes); returns the count."""
    from sqlalchemy.orm import selectinload

    from shop.models import Category, Product
    db.session.execute(sa.delete(SearchWord))
    products = db.session.scalars(sa.select(Product).options(
        selectinload(Product.translations),
        selectinload(Product.category).selectinload(Category.translations),
        selectinload(Product.category).selectinload(Category.parent).selectinload(Category.translations),
    )).all()
    for product in products:
        index_product(product)
    return len(products)
