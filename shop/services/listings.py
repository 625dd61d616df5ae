"""A merchant's listings and bonded lots as people type them: one validation for the portal form,
the JSON API and the CSV import, the writes they share, and the all-or-nothing CSV import
(`shop import-listings`).

Values arrive as text (a form, a CSV cell, or JSON turned into text by the API); `parse_listing`
and `parse_lot` answer either a clean draft or {field: translated message}. Nothing here commits
except the use cases at the bottom, each in one transaction.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from shop.database import write_transaction
from shop.domain import money
from shop.domain.customs import TAX_CLASSES
from shop.domain.routing import GOODS_FLAGS, SHANGHAI
from shop.extensions import db
from shop.i18n import LANGUAGES as LANGS
from shop.models import (
    LOT_STATUSES,
    Category,
    Lot,
    Merchant,
    Product,
    ProductTranslation,
    SearchDocument,
    StockMove,
)
from shop.services import csv_export, locking, search
from shop.services.audit import audit
from shop.services.catalogue import category_tree
from shop.services.quotes import ISO_COUNTRIES
from shop.services.slugs import slugify

# A listing's tax class when the merchant does not name one, by its top-level category.
DEFAULT_TAX_CLASS = {"food": "food", "cosmetics": "general", "daily-necessities": "general"}

COLUMNS = (
    "sku", *(f"name_{lang}" for lang in LANGS), *(f"description_{lang}" for lang in LANGS),
    "category", "origin_country", "hs_code", "price_cny", "weight_g", "length_mm", "width_mm", "height_mm",
    "goods_flags", "lot_number", "lot_quantity", "lot_expiry", "bin", "customs_entry",
)
OPTIONAL_COLUMNS = ("tax_class", "reorder_point")
LISTING_FIELDS = (
    "sku", *(f"name_{lang}" for lang in LANGS), *(f"description_{lang}" for lang in LANGS),
    "category", "origin_country", "hs_code", "tax_class", "price_cny", "weight_g", "length_mm", "width_mm",
    "height_mm", "goods_flags", "reorder_point",
)
# The CSV's lot columns and the names parse_lot knows them by.
LOT_COLUMNS = {"lot_number": "lot_number", "lot_quantity": "quantity", "lot_expiry": "expiry", "bin": "bin",
               "customs_entry": "customs_entry"}

MAX_BYTES = 4 * 1024 * 1024
# Stock below this many units puts a listing in the merchant's daily alert digest (0 = never).
MAX_REORDER_POINT = 100_000
MAX_ROWS = 5_000
MAX_ERRORS = 200
MAX_NAME = 200
MAX_DESCRIPTION = 5000
MAX_WEIGHT_G = 1_000_000
MAX_SIDE_MM = 10_000
MAX_QUANTITY = 1_000_000
MAX_PRICE = Decimal("1000000")

_SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
_LOT_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,39}")
_BIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,19}")
_CUSTOMS_ENTRY = re.compile(r"[0-9]{18}")
_HS_CODE = re.compile(r"[0-9]{4}(?:\.?[0-9]{2}){0,3}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?]")
# Characters that make a cell a formula when the file is opened in a spreadsheet again.
_FORMULA_START = ("=", "+", "-", "@")
# Bidirectional embeddings and overrides can make a name read differently from what it is.
_BIDI_OVERRIDES = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# ---- drafts and field validation ----------------------------------------------------------

@dataclass
class ListingDraft:
    """A listing's values after validation (texts: lang -> (name, description))."""

    sku: str
    texts: dict[str, tuple[str, str]]
    category: str
    origin_country: str
    hs_code: str
    tax_class: str | None  # None: the default of its category
    price_cny: Decimal
    weight_g: int
    length_mm: int
    width_mm: int
    height_mm: int
    goods_flags: list[str]
    active: bool = True
    reorder_point: int | None = None  # None: keep the listing's own (0 for a new one)

    def values(self, category: Category) -> dict:
        """The Product column values, with the tax class settled by the category."""
        return {
            "category_id": category.id, "origin_country": self.origin_country, "hs_code": self.hs_code,
            "tax_class": self.tax_class or default_tax_class(category), "price_cny": self.price_cny,
            "weight_g": self.weight_g, "length_mm": self.length_mm, "width_mm": self.width_mm,
            "height_mm": self.height_mm, "goods_flags": self.goods_flags, "active": self.active,
            **({"reorder_point": self.reorder_point} if self.reorder_point is not None else {}),
        }


@dataclass
class LotDraft:
    """A lot's values after validation."""

    lot_number: str
    quantity: int
    expiry: dt.date | None
    bin: str
    customs_entry: str
    customs_status: str = "bonded"


def today() -> dt.date:
    """Today in the zone (Asia/Shanghai)."""
    return dt.datetime.now(SHANGHAI).date()


def default_tax_class(category: Category) -> str:
    """food for listings under the food tree, general for the rest (cosmetics_high is chosen)."""
    root = category_tree().root_of(category) if category.id in category_tree().by_id else category
    return DEFAULT_TAX_CLASS.get(root.slug, "general")


def _shown(value: str, limit: int = 40) -> str:
    """A value quoted in a message, cut short."""
    value = value.replace("\n", " ")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def check_text(value: str, *, multiline: bool = False) -> str | None:
    """Why `value` cannot be stored as a name or description, or None when it can."""
    if value.startswith(_FORMULA_START):
        return _("Do not start a cell with =, +, - or @: a spreadsheet would run it as a formula.")
    for char in value:
        if char == "\n" and multiline:
            continue
        if char in _BIDI_OVERRIDES or unicodedata.category(char) in ("Cc", "Cs"):
            return _("Remove the control characters from this text.")
    if _MARKUP.search(value):
        return _("Plain text only: remove the markup (text in angle brackets).")
    return None


def clean_text(value: object) -> str:
    """Text as stored: NFC, one kind of line break, no surrounding blanks (None is empty)."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    return text


def _whole(text: str, minimum: int, maximum: int) -> int:
    if not (text.isascii() and text.isdigit()):
        if text.startswith("-") and text[1:].isascii() and text[1:].isdigit():
            raise ValueError(_("This cannot be negative."))
        raise ValueError(_("Enter a whole number."))
    value = int(text)
    if not minimum <= value <= maximum:
        raise ValueError(_("Enter a number from %(min)d to %(max)d.", min=minimum, max=maximum))
    return value


def _price(text: str) -> Decimal:
    try:
        amount = money.parse_amount(text)
    except money.InvalidAmount as error:
        raise ValueError({
            "negative": _("A price cannot be negative."),
            "too_many_decimals": _("Use at most two decimals."),
        }.get(error.reason, _("Enter an amount such as 12.50."))) from None
    if amount >= MAX_PRICE:
        raise ValueError(_("That amount is too large."))
    if amount <= 0:
        raise ValueError(_("A price must be more than zero."))
    return amount


def parse_date(text: str) -> dt.date:
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("Enter a date as YYYY-MM-DD, e.g. 2026-12-01.")) from None


def parse_flags(value: object) -> list[str]:
    """Goods flags from 'a;b' text or a list; raises ValueError naming an unknown one."""
    items = value.split(";") if isinstance(value, str) else list(value or ())
    flags = set()
    for item in items:
        if not isinstance(item, str):
            raise ValueError(_("Goods flags are words such as liquid or fragile."))
        flag = item.strip().lower()
        if not flag:
            continue
        if flag not in GOODS_FLAGS:
            raise ValueError(_("Unknown goods flag %(flag)s: use %(known)s.", flag=_shown(item.strip(), 30),
                               known=", ".join(GOODS_FLAGS)))
        flags.add(flag)
    return sorted(flags)


def parse_listing(raw: dict, *, categories: dict[str, Category] | None = None) -> tuple[ListingDraft | None, dict]:
    """A listing from text values keyed as LISTING_FIELDS (goods_flags may be a list, active a bool).

    Answers (draft, {}) or (None, {field: message}), one message per field."""
    errors: dict[str, str] = {}
    categories = categories if categories is not None else category_tree().by_slug

    def text(key: str) -> str:
        return clean_text(raw.get(key))

    sku = text("sku")
    if not sku:
        errors["sku"] = _("This field is required.")
    elif not _SKU.fullmatch(sku):
        errors["sku"] = _("Use up to 40 letters, digits, dots, dashes or underscores, starting with a letter "
                          "or digit.")

    texts: dict[str, tuple[str, str]] = {}
    for lang in LANGS:
        name = text(f"name_{lang}")
        description = clean_text(raw.get(f"description_{lang}"))
        if name:
            problem = check_text(name) or (_("Use at most %(max)d characters.", max=MAX_NAME)
                                           if len(name) > MAX_NAME else None)
            if problem:
                errors[f"name_{lang}"] = problem
        if description:
            problem = check_text(description, multiline=True) or (
                _("Use at most %(max)d characters.", max=MAX_DESCRIPTION) if len(description) > MAX_DESCRIPTION
                else None)
            if problem:
                errors[f"description_{lang}"] = problem
            elif not name:
                errors.setdefault(f"name_{lang}", _("A description needs a name in the same language."))
        if name:
            texts[lang] = (name, description)
    if "en" not in texts and "name_en" not in errors:
        errors["name_en"] = _("An English name is required: buyers see it when their language is missing.")

    category = text("category")
    if not category:
        errors["category"] = _("This field is required.")
    elif category not in categories:
        errors["category"] = _("There is no category %(slug)s.", slug=_shown(category))

    origin = text("origin_country").upper()
    if not origin:
        errors["origin_country"] = _("This field is required.")
    elif origin not in ISO_COUNTRIES:
        errors["origin_country"] = _("Enter a two-letter country code such as KZ.")

    hs_code = text("hs_code")
    if not hs_code:
        errors["hs_code"] = _("This field is required.")
    elif not _HS_CODE.fullmatch(hs_code):
        errors["hs_code"] = _("Enter an HS code of 4 to 10 digits, such as 1905.90.")

    tax_class = text("tax_class").lower() or None
    if tax_class is not None and tax_class not in TAX_CLASSES:
        errors["tax_class"] = _("Choose food, general or cosmetics_high (or leave it empty).")

    numbers: dict[str, object] = {}
    price_text = text("price_cny")
    if not price_text:
        errors["price_cny"] = _("This field is required.")
    else:
        try:
            numbers["price_cny"] = _price(price_text)
        except ValueError as error:
            errors["price_cny"] = str(error)
    for key, maximum in (("weight_g", MAX_WEIGHT_G), ("length_mm", MAX_SIDE_MM), ("width_mm", MAX_SIDE_MM),
                         ("height_mm", MAX_SIDE_MM)):
        value = text(key)
        if not value:
            errors[key] = _("This field is required.")
            continue
        try:
            numbers[key] = _whole(value, 1, maximum)
        except ValueError as error:
            errors[key] = str(error)

    reorder_text = text("reorder_point")
    if reorder_text:
        try:
            numbers["reorder_point"] = _whole(reorder_text, 0, MAX_REORDER_POINT)
        except ValueError as error:
            errors["reorder_point"] = str(error)

    try:
        flags = parse_flags(raw.get("goods_flags"))
    except ValueError as error:
        errors["goods_flags"] = str(error)
        flags = []

    if errors:
        return None, errors
    active = raw.get("active", True)
    return ListingDraft(
        sku=sku, texts=texts, category=category, origin_country=origin, hs_code=hs_code, tax_class=tax_class,
        price_cny=numbers["price_cny"], weight_g=numbers["weight_g"], length_mm=numbers["length_mm"],
        width_mm=numbers["width_mm"], height_mm=numbers["height_mm"], goods_flags=flags,
        reorder_point=numbers.get("reorder_point"),  # type: ignore[arg-type]
        active=active if isinstance(active, bool) else str(active).strip().lower() not in ("0", "false", "no", ""),
    ), {}


def parse_lot(raw: dict, *, new: bool = True) -> tuple[LotDraft | None, dict]:
    """A lot from text values keyed lot_number, quantity, expiry, bin, customs_entry, customs_status."""
    errors: dict[str, str] = {}

    def text(key: str) -> str:
        return clean_text(raw.get(key))

    number = text("lot_number")
    if not number:
        errors["lot_number"] = _("This field is required.")
    elif not _LOT_NUMBER.fullmatch(number):
        errors["lot_number"] = _("Use up to 40 letters, digits, dots, dashes or slashes.")

    quantity = None
    if not text("quantity"):
        errors["quantity"] = _("This field is required.")
    else:
        try:
            quantity = _whole(text("quantity"), 1, MAX_QUANTITY)
        except ValueError as error:
            errors["quantity"] = str(error)

    expiry = None
    if text("expiry"):
        try:
            expiry = parse_date(text("expiry"))
            if new and expiry < today():
                errors["expiry"] = _("This date has passed: an expired lot cannot be received.")
        except ValueError as error:
            errors["expiry"] = str(error)

    bin_ = text("bin").upper()
    if not bin_:
        errors["bin"] = _("This field is required.")
    elif not _BIN.fullmatch(bin_):
        errors["bin"] = _("Enter a bin such as A-01-01 (letters, digits and dashes).")

    entry = text("customs_entry")
    if not entry:
        errors["customs_entry"] = _("This field is required.")
    elif not _CUSTOMS_ENTRY.fullmatch(entry):
        errors["customs_entry"] = _("A customs entry declaration number has 18 digits.")

    status = text("customs_status").lower() or "bonded"
    if status not in LOT_STATUSES:
        errors["customs_status"] = _("Choose bonded, released or quarantined.")

    if errors:
        return None, errors
    return LotDraft(number, quantity, expiry, bin_, entry, status), {}


def listing_values(product: Product) -> dict:
    """A product as the text values parse_listing reads (to fill a form or merge an API update)."""
    texts = {t.lang: t for t in product.translations}
    values = {
        "sku": product.sku, "category": product.category.slug, "origin_country": product.origin_country,
        "hs_code": product.hs_code, "tax_class": product.tax_class, "price_cny": f"{product.price_cny:.2f}",
        "weight_g": str(product.weight_g), "length_mm": str(product.length_mm), "width_mm": str(product.width_mm),
        "height_mm": str(product.height_mm), "goods_flags": ";".join(sorted(product.goods_flags or [])),
        "reorder_point": str(product.reorder_point or 0),
        "active": product.active,
    }
    for lang in LANGS:
        values[f"name_{lang}"] = texts[lang].name if lang in texts else ""
        values[f"description_{lang}"] = texts[lang].description if lang in texts else ""
    return values


# ---- shared writes ------------------------------------------------------------------------



def _jsonable(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


class Slugs:
    """Slugs for new translations, unique per language across the shop and within one batch."""

    def __init__(self) -> None:
        self.taken: dict[str, set[str]] = {lang: set() for lang in LANGS}
        self.looked_up: dict[str, set[str]] = {lang: set() for lang in LANGS}

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
                  slugs: Slugs) -> tuple[Product, dict]:
    """Create or change a product from a draft; answers it and what changed ({} when nothing).

    A translation keeps its slug once made, so links to the product stay good; a language whose
    name is now empty loses its translation."""
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
    for lang in LANGS:
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
def _search_deletes_by_fetch():
    """Let index_product's ORM delete find the session's stale documents by the ids it deleted
    ("fetch") rather than by testing every object the session holds ("evaluate"), which made
    an import of thousands of rows take minutes."""
    session = db.session()
    documents = sa.inspect(SearchDocument)

    def by_fetch(state) -> None:
        if state.is_delete and state.bind_mapper is documents:
            state.update_execution_options(synchronize_session="fetch")

    event.listen(session, "do_orm_execute", by_fetch)
    try:
        yield
    finally:
        event.remove(session, "do_orm_execute", by_fetch)


# ---- the CSV import -----------------------------------------------------------------------

@dataclass(frozen=True)
class RowError:
    """A problem in the file: `row` counts as a spreadsheet does (the header is row 1; 0 is the
    whole file), `column` is the header name or None."""

    row: int
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row and self.column:
            return _("Row %(row)d, column %(column)s: %(message)s", row=self.row, column=self.column,
                     message=self.message)
        if self.row:
            return _("Row %(row)d: %(message)s", row=self.row, message=self.message)
        return self.message


class ListingImportError(Exception):
    """The file was refused and nothing was written; `errors` says where and why."""

    def __init__(self, errors: list[RowError], more: bool = False) -> None:
        self.errors = errors
        self.more = more  # errors were left out after MAX_ERRORS
        super().__init__(errors)

    def __str__(self) -> str:
        shown = self.errors[:20]
        lines = [ngettext("The file has %(num)d problem; nothing was imported.",
                          "The file has %(num)d problems; nothing was imported.", len(self.errors))
                 if not self.more else _("The file has more than %(num)d problems; nothing was imported.",
                                         num=MAX_ERRORS)]
        lines += [str(error) for error in shown]
        if len(self.errors) > len(shown):
            lines.append(_("… and %(num)d more.", num=len(self.errors) - len(shown)))
        return "\n".join(lines)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    lots: int = 0
    lots_updated: int = 0
    rows: int = 0


@dataclass
class _Row:
    number: int
    cells: dict[str, str]
    listing: ListingDraft | None = None
    lot: LotDraft | None = None


@dataclass
class _Errors:
    items: list[RowError] = field(default_factory=list)
    more: bool = False

    def add(self, row: int, column: str | None, message: str) -> None:
        if len(self.items) >= MAX_ERRORS:
            self.more = True
            return
        self.items.append(RowError(row, column, message))

    def raise_if_any(self) -> None:
        if self.items:
            order = {name: n for n, name in enumerate((*COLUMNS, *OPTIONAL_COLUMNS))}
            self.items.sort(key=lambda e: (e.row, order.get(e.column or "", -1)))
            raise ListingImportError(self.items, self.more)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ListingImportError([RowError(0, None, _(
            "The file is saved as UTF-16: save it as CSV UTF-8 and upload it again."))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise ListingImportError([RowError(0, None, _(
            "Line %(line)d is not UTF-8 text: save the file as CSV UTF-8 and upload it again.", line=line))]) \
            from None
    if "\x00" in text:
        raise ListingImportError([RowError(0, None, _("This is not a CSV text file (it contains NUL bytes)."))])
    return text


def read_rows(data: bytes) -> tuple[list[str], list[_Row]]:
    """The header and the non-empty rows, or ListingImportError for a file that cannot be read."""
    if len(data) > MAX_BYTES:
        raise ListingImportError([RowError(0, None, _(
            "The file is larger than %(mb)d MB: split it into smaller files.", mb=MAX_BYTES // (1024 * 1024)))])
    reader = csv.reader(io.StringIO(_decode(data), newline=""), strict=True)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
            if len(records) > MAX_ROWS + 1:
                raise ListingImportError([RowError(0, None, _(
                    "The file has more than %(max)d rows: split it into smaller files.", max=MAX_ROWS))])
    except csv.Error as error:
        raise ListingImportError([RowError(len(records) + 1, None, _(
            "This row cannot be read as CSV (%(reason)s).", reason=_shown(str(error), 80)))]) from None
    if not records or not any(cell.strip() for cell in records[0]):
        raise ListingImportError([RowError(0, None, _("The file is empty: it needs a header row naming the "
                                                      "columns."))])
    header = [cell.strip().lower() for cell in records[0]]
    errors = _Errors()
    seen: set[str] = set()
    for name in header:
        if name in seen:
            errors.add(1, name, _("This column appears twice."))
        seen.add(name)
    unknown = [name for name in header if name not in COLUMNS and name not in OPTIONAL_COLUMNS]
    missing = [name for name in COLUMNS if name not in seen]
    if unknown:
        errors.add(1, None, ngettext("Unknown column: %(names)s.", "Unknown columns: %(names)s.", len(unknown),
                                     names=", ".join(_shown(n, 30) for n in unknown)))
    if missing:
        errors.add(1, None, ngettext("Missing column: %(names)s.", "Missing columns: %(names)s.", len(missing),
                                     names=", ".join(missing)))
    errors.raise_if_any()
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            errors.add(number, None, _("This row has %(found)d cells; the header has %(expected)d.",
                                       found=len(record), expected=len(header)))
            continue
        rows.append(_Row(number, dict(zip(header, record, strict=False))))
    errors.raise_if_any()
    if not rows:
        raise ListingImportError([RowError(0, None, _("The file has a header but no listings."))])
    return header, rows


def _check_cells(rows: list[_Row], errors: _Errors, categories: dict[str, Category]) -> None:
    """Each row on its own: listing fields, then its lot when it names one."""
    for row in rows:
        draft, problems = parse_listing(row.cells, categories=categories)
        for column, message in problems.items():
            errors.add(row.number, column, message)
        row.listing = draft
        lot_cells = {key: row.cells.get(column, "") for column, key in LOT_COLUMNS.items()}
        if clean_text(lot_cells["lot_number"]):
            lot, problems = parse_lot(lot_cells, new=False)
            for key, message in problems.items():
                column = next(c for c, k in LOT_COLUMNS.items() if k == key)
                errors.add(row.number, column, message)
            row.lot = lot
        else:
            for column in ("lot_quantity", "lot_expiry", "bin", "customs_entry"):
                if clean_text(row.cells.get(column)):
                    errors.add(row.number, column, _("This row has no lot_number, so it cannot take lot details."))
                    break


def _check_across_rows(rows: list[_Row], errors: _Errors) -> dict[str, list[_Row]]:
    """Rows of one SKU must agree on the listing; a lot number appears once. Answers rows by SKU."""
    by_sku: dict[str, list[_Row]] = {}
    lot_rows: dict[str, int] = {}
    for row in rows:
        if row.listing is not None:
            group = by_sku.setdefault(row.listing.sku, [])
            if group and group[0].listing != row.listing:
                first = group[0]
                column = next((c for c in LISTING_FIELDS if c in row.cells
                               and clean_text(row.cells[c]) != clean_text(first.cells.get(c))), "sku")
                errors.add(row.number, column, _("The listing %(sku)s differs from row %(row)d: rows of one SKU "
                                                 "must agree.", sku=row.listing.sku, row=first.number))
            group.append(row)
        if row.lot is not None:
            if row.lot.lot_number in lot_rows:
                errors.add(row.number, "lot_number", _("Lot %(lot)s is also on row %(row)d.",
                                                       lot=row.lot.lot_number, row=lot_rows[row.lot.lot_number]))
            else:
                lot_rows[row.lot.lot_number] = row.number
    return by_sku


def _chunks(values: list, size: int = 500):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def import_listings_csv(data: bytes, merchant_slug: str, progress: Callable[[int, int], None] | None = None,
                        *, user_id: int | None = None) -> ImportResult:
    """Create or update one merchant's listings and receive their lots from CSV: all rows or none.

    Every row is checked first and every problem is collected (row, column, message); only a file
    without problems is written, in one transaction. A row with an empty lot_number changes the
    listing only. A lot number the product already has is taken as received before: the row must
    match it (quantity received, customs entry, expiry) and may move it to another bin, so running
    the same file twice changes nothing. `progress(done, total)` is called as rows are checked
    and then written (total = twice the rows)."""
    report = progress or (lambda done, total: None)
    merchant = db.session.scalar(sa.select(Merchant).where(Merchant.slug == merchant_slug))
    if merchant is None:
        raise ListingImportError([RowError(0, None, _("There is no merchant %(slug)s.",
                                                      slug=_shown(merchant_slug)))])
    header, rows = read_rows(data)
    total = len(rows) * 2
    report(0, total)
    errors = _Errors()
    categories = category_tree().by_slug
    _check_cells(rows, errors, categories)
    by_sku = _check_across_rows(rows, errors)
    report(len(rows), total)
    if errors.more:
        errors.raise_if_any()

    result = ImportResult(rows=len(rows))
    try:
        with write_transaction():
            # Checks against what the shop holds run for every row too, so one pass lists everything.
            products = _lock_products(list(by_sku))
            lots = _lock_lots([row.lot.lot_number for row in rows if row.lot is not None])
            received = _received_quantities([lot.id for lot in lots.values()])
            for sku, group in by_sku.items():
                product = products.get(sku)
                if product is not None and product.merchant_id != merchant.id:
                    errors.add(group[0].number, "sku", _("The SKU %(sku)s belongs to another merchant.", sku=sku))
                    continue
                for row in group:
                    if row.lot is None:
                        continue
                    _check_lot_against(row, product, lots.get(row.lot.lot_number), received, errors)
            errors.raise_if_any()

            slugs = Slugs()
            slugs.look_up((lang, name, sku) for sku, group in by_sku.items() for lang, (name, _d)
                          in group[0].listing.texts.items() if products.get(sku) is None
                          or lang not in {t.lang for t in products[sku].translations})
            done = len(rows)
            to_index = []
            for sku, group in by_sku.items():
                draft = group[0].listing
                existing = products.get(sku)
                product, changes = apply_listing(existing, merchant.id, draft, categories[draft.category], slugs)
                if existing is None:
                    result.created += 1
                    audit(user_id, "listing.create", "product", sku, {"via": "csv", **changes})
                elif changes:
                    result.updated += 1
                    audit(user_id, "listing.update", "product", sku, {"via": "csv", **changes})
                else:
                    result.unchanged += 1
                if changes:
                    to_index.append(product)
                for row in group:
                    if row.lot is not None:
                        lot = lots.get(row.lot.lot_number)
                        if lot is None:
                            receive_into(product, row.lot, user_id, "csv import")
                            result.lots += 1
                        elif lot.bin != row.lot.bin:
                            audit(user_id, "lot.move", "lot", lot.lot_number, {"bin": [lot.bin, row.lot.bin],
                                                                               "via": "csv"})
                            lot.bin = row.lot.bin
                            result.lots_updated += 1
                    done += 1
                    if done % 100 == 0:
                        report(done, total)
            reindex(to_index)
            audit(user_id, "listings.import", "merchant", merchant.slug, {
                "rows": result.rows, "created": result.created, "updated": result.updated, "lots": result.lots,
                "lots_updated": result.lots_updated})
    except IntegrityError:
        # Another import or edit took a SKU, lot number or slug between our checks and our writes.
        raise ListingImportError([RowError(0, None, _(
            "These listings were changed at the same time by someone else; nothing was imported. Please try "
            "again."))]) from None
    report(total, total)
    return result


def _lock_products(skus: list[str]) -> dict[str, Product]:
    found: dict[str, Product] = {}
    for chunk in _chunks(skus):
        found.update((p.sku, p) for p in locking.lock_products(
            Product.sku.in_(chunk), options=(selectinload(Product.translations), selectinload(Product.category))))
    return found


def _lock_lots(numbers: list[str]) -> dict[str, Lot]:
    found: dict[str, Lot] = {}
    for chunk in _chunks(numbers):
        found.update((lot.lot_number, lot) for lot in locking.lock_lots(Lot.lot_number.in_(chunk)))
    return found


def _received_quantities(lot_ids: list[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for chunk in _chunks(lot_ids):
        found.update((lot_id, int(total or 0)) for lot_id, total in db.session.execute(
            sa.select(StockMove.lot_id, sa.func.sum(StockMove.on_hand_delta))
            .where(StockMove.lot_id.in_(chunk), StockMove.kind == "intake").group_by(StockMove.lot_id)))
    return found


def _check_lot_against(row: _Row, product: Product | None, lot: Lot | None, received: dict[int, int],
                       errors: _Errors) -> None:
    draft = row.lot
    if lot is None:
        if draft.expiry is not None and draft.expiry < today():
            errors.add(row.number, "lot_expiry", _("This date has passed: an expired lot cannot be received."))
        return
    if product is None or lot.product_id != product.id:
        errors.add(row.number, "lot_number", _("The lot number %(lot)s is already in use for another listing.",
                                               lot=draft.lot_number))
        return
    got = received.get(lot.id, 0)
    if draft.quantity != got:
        errors.add(row.number, "lot_quantity", _(
            "Lot %(lot)s was received with %(quantity)d units; change its stock in the portal, with a reason.",
            lot=draft.lot_number, quantity=got))
    if draft.customs_entry != lot.customs_entry:
        errors.add(row.number, "customs_entry", _("Lot %(lot)s came in under customs entry %(entry)s.",
                                                  lot=draft.lot_number, entry=lot.customs_entry))
    if draft.expiry != lot.expiry:
        errors.add(row.number, "lot_expiry", _("Lot %(lot)s was received with expiry %(expiry)s.",
                                               lot=draft.lot_number,
                                               expiry=lot.expiry.isoformat() if lot.expiry else "—"))


def template_csv() -> str:
    """A header row and one example row, for merchants to start from."""
    example = {
        "sku": "KZ-EXAMPLE-1", "name_en": "Rakhat dark chocolate 100 g", "name_zh": "拉哈特黑巧克力100克",
        "name_ru": "Шоколад «Рахат» тёмный, 100 г", "name_ur": "رحات ڈارک چاکلیٹ، 100 گرام",
        "description_en": "Dark chocolate from Almaty.", "category": "sweets-chocolate", "origin_country": "KZ",
        "hs_code": "1806.32", "price_cny": "18.50", "weight_g": "110", "length_mm": "160", "width_mm": "80",
        "height_mm": "10", "goods_flags": "fragile", "lot_number": "", "lot_quantity": "", "lot_expiry": "",
        "bin": "", "customs_entry": "", "tax_class": "",
    }
    columns = [*COLUMNS, *OPTIONAL_COLUMNS]
    return csv_export.write_csv(columns, [{c: example.get(c, "") for c in columns}], bom=False)
