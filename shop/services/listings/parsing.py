"""A listing or a lot from the text people type: one validation for the portal form, the JSON API
and the CSV import.

Values arrive as text (a form, a CSV cell, or JSON turned into text by the API); `parse_listing`
and `parse_lot` answer either a clean draft or {field: message}, one message per field."""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TypeVar

from shop.domain import variants as variant_rules
from shop.domain.customs import TAX_CLASSES
from shop.domain.languages import LANGUAGES
from shop.domain.messages import N_, Message
from shop.domain.places import ISO_COUNTRIES
from shop.models import LOT_STATUSES, Category
from shop.services.catalogue import category_tree
from shop.services.listings.columns import VARIANT_COLUMNS
from shop.services.listings.drafts import ListingDraft, LotDraft
from shop.services.listings.fields import (
    MAX_DESCRIPTION,
    MAX_NAME,
    MAX_QUANTITY,
    MAX_REORDER_POINT,
    MAX_SIDE_MM,
    MAX_WEIGHT_G,
    REQUIRED,
    Invalid,
    check_text,
    clean_text,
    parse_date,
    parse_flags,
    price,
    shown,
    today,
    whole_number,
)
from shop.services.variants import VariantDraft

_SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
_LOT_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,39}")
_BIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,19}")
_CUSTOMS_ENTRY = re.compile(r"[0-9]{18}")
_HS_CODE = re.compile(r"[0-9]{4}(?:\.?[0-9]{2}){0,3}")

T = TypeVar("T")
FieldErrors = dict[str, Message]  # {field: why it was refused}


class _Fields:
    """The raw values of one listing or lot and the problems found in them so far."""

    def __init__(self, raw: Mapping[str, object]) -> None:
        self.raw = raw
        self.errors: FieldErrors = {}

    def text(self, key: str) -> str:
        return clean_text(self.raw.get(key))

    def parsed(self, key: str, parse: Callable[[str], T], *, required: bool = True) -> T | None:
        """The value of `key` through `parse`; None (and the problem noted) when it is refused,
        None when it is empty and not required."""
        value = self.text(key)
        if not value:
            if required:
                self.errors[key] = REQUIRED
            return None
        try:
            return parse(value)
        except Invalid as error:
            self.errors[key] = error.message
            return None

    def matching(self, key: str, pattern: re.Pattern[str], message: Message, value: str | None = None) -> str:
        """The value of `key` (or `value`, already cleaned) when the pattern matches it whole."""
        value = self.text(key) if value is None else value
        if not value:
            self.errors[key] = REQUIRED
        elif not pattern.fullmatch(value):
            self.errors[key] = message
        return value


def _from(minimum: int, maximum: int) -> Callable[[str], int]:
    """A whole number from `minimum` to `maximum`, as a parser for _Fields.parsed."""
    return lambda text: whole_number(text, minimum, maximum)


def _texts(fields: _Fields) -> dict[str, tuple[str, str]]:
    """Names and descriptions by language; English is required, a description needs a name."""
    texts: dict[str, tuple[str, str]] = {}
    errors = fields.errors
    for lang in LANGUAGES:
        name = fields.text(f"name_{lang}")
        description = fields.text(f"description_{lang}")
        if name:
            problem = check_text(name) or (N_("Use at most %(max)d characters.", max=MAX_NAME)
                                           if len(name) > MAX_NAME else None)
            if problem:
                errors[f"name_{lang}"] = problem
        if description:
            problem = check_text(description, multiline=True) or (
                N_("Use at most %(max)d characters.", max=MAX_DESCRIPTION) if len(description) > MAX_DESCRIPTION
                else None)
            if problem:
                errors[f"description_{lang}"] = problem
            elif not name:
                errors.setdefault(f"name_{lang}", N_("A description needs a name in the same language."))
        if name:
            texts[lang] = (name, description)
    if "en" not in texts and "name_en" not in errors:
        errors["name_en"] = N_("An English name is required: buyers see it when their language is missing.")
    return texts


def _option_value(fields: _Fields, n: int) -> dict[str, str]:
    values: dict[str, str] = {}
    for lang in LANGUAGES:
        key = f"option{n}_value" if lang == "en" else f"option{n}_value_{lang}"
        text = fields.text(key)
        if not text:
            continue
        problem = check_text(text) or (N_("Use at most %(max)d characters.", max=variant_rules.MAX_VALUE)
                                       if len(text) > variant_rules.MAX_VALUE else None)
        if problem:
            fields.errors[key] = problem
        else:
            values[lang] = text
    if values and "en" not in values and f"option{n}_value" not in fields.errors:
        fields.errors[f"option{n}_value"] = N_("Give the value in English too.")
    return values


def _variant(fields: _Fields) -> VariantDraft | None:
    """The product a listing is a variant of, and its options (None for a listing on its own)."""
    code = fields.text("product")
    errors = fields.errors
    options: list[tuple[str, dict[str, str]]] = []
    for n in range(1, variant_rules.MAX_OPTIONS + 1):
        name, value = fields.text(f"option{n}_name"), _option_value(fields, n)
        if not name and not value:
            continue
        kind = variant_rules.option_kind(name) if name else None
        if not name:
            errors[f"option{n}_name"] = REQUIRED
        elif kind is None:
            errors[f"option{n}_name"] = N_("Choose one of: %(kinds)s.", kinds=", ".join(variant_rules.OPTION_KINDS))
        elif any(kind == other for other, _v in options):
            errors[f"option{n}_name"] = N_("Each option is about something else: %(kind)s is named twice.",
                                           kind=kind)
        if not value and f"option{n}_value" not in errors:
            errors[f"option{n}_value"] = REQUIRED
        if kind is not None and value:
            options.append((kind, value))
    if not code:
        if options or any(f"option{n}_name" in errors or f"option{n}_value" in errors for n in (1, 2)):
            errors.setdefault("product", N_("Name the product these options belong to (the same code on each "
                                            "of its variants)."))
        return None
    if not _SKU.fullmatch(code):
        errors["product"] = N_("Use up to 40 letters, digits, dots, dashes or underscores, starting with a letter "
                               "or digit.")
    elif not options and not any(f"option{n}_name" in errors or f"option{n}_value" in errors for n in (1, 2)):
        errors["option1_name"] = N_("A variant needs at least one option, such as packaging or weight.")
    return VariantDraft(code, tuple(options)) if options else None


def parse_listing(raw: Mapping[str, object], *, categories: Mapping[str, Category] | None = None,
                  ) -> tuple[ListingDraft | None, FieldErrors]:
    """A listing from text values keyed as LISTING_FIELDS (goods_flags may be a list, active a bool).

    Answers (draft, {}) or (None, {field: message}), one message per field."""
    fields = _Fields(raw)
    errors = fields.errors
    categories = categories if categories is not None else category_tree().by_slug

    sku = fields.matching("sku", _SKU, N_("Use up to 40 letters, digits, dots, dashes or underscores, starting "
                                          "with a letter or digit."))
    texts = _texts(fields)

    category = fields.text("category")
    if not category:
        errors["category"] = REQUIRED
    elif category not in categories:
        errors["category"] = N_("There is no category %(slug)s.", slug=shown(category))

    origin = fields.text("origin_country").upper()
    if not origin:
        errors["origin_country"] = REQUIRED
    elif origin not in ISO_COUNTRIES:
        errors["origin_country"] = N_("Enter a two-letter country code such as KZ.")

    hs_code = fields.matching("hs_code", _HS_CODE, N_("Enter an HS code of 4 to 10 digits, such as 1905.90."))

    tax_class = fields.text("tax_class").lower() or None
    if tax_class is not None and tax_class not in TAX_CLASSES:
        errors["tax_class"] = N_("Choose food, general or cosmetics_high (or leave it empty).")

    price_cny: Decimal | None = fields.parsed("price_cny", price)
    sizes: dict[str, int] = {}
    for key, maximum in (("weight_g", MAX_WEIGHT_G), ("length_mm", MAX_SIDE_MM), ("width_mm", MAX_SIDE_MM),
                         ("height_mm", MAX_SIDE_MM)):
        size = fields.parsed(key, _from(1, maximum))
        if size is not None:
            sizes[key] = size
    reorder_point = fields.parsed("reorder_point", _from(0, MAX_REORDER_POINT), required=False)
    variant = _variant(fields)

    try:
        flags = parse_flags(raw.get("goods_flags"))
    except Invalid as error:
        errors["goods_flags"] = error.message
        flags = []

    if errors or price_cny is None:
        return None, errors
    active = raw.get("active", True)
    return ListingDraft(
        sku=sku, texts=texts, category=category, origin_country=origin, hs_code=hs_code, tax_class=tax_class,
        price_cny=price_cny, weight_g=sizes["weight_g"], length_mm=sizes["length_mm"],
        width_mm=sizes["width_mm"], height_mm=sizes["height_mm"], goods_flags=flags, reorder_point=reorder_point,
        variant=variant, variant_given=any(key in raw for key in VARIANT_COLUMNS),
        active=active if isinstance(active, bool) else str(active).strip().lower() not in ("0", "false", "no", ""),
    ), {}


def parse_lot(raw: Mapping[str, object], *, new: bool = True) -> tuple[LotDraft | None, FieldErrors]:
    """A lot from text values keyed lot_number, quantity, expiry, bin, customs_entry, customs_status.

    A `new` lot (one being received now) may not have expired already."""
    fields = _Fields(raw)
    errors = fields.errors

    number = fields.matching("lot_number", _LOT_NUMBER, N_("Use up to 40 letters, digits, dots, dashes or slashes."))
    quantity = fields.parsed("quantity", _from(1, MAX_QUANTITY))

    expiry = fields.parsed("expiry", parse_date, required=False)
    if new and expiry is not None and expiry < today():
        errors["expiry"] = N_("This date has passed: an expired lot cannot be received.")

    bin_ = fields.matching("bin", _BIN, N_("Enter a bin such as A-01-01 (letters, digits and dashes)."),
                           fields.text("bin").upper())
    entry = fields.matching("customs_entry", _CUSTOMS_ENTRY,
                            N_("A customs entry declaration number has 18 digits."))

    status = fields.text("customs_status").lower() or "bonded"
    if status not in LOT_STATUSES:
        errors["customs_status"] = N_("Choose bonded, released or quarantined.")

    if errors or quantity is None:
        return None, errors
    return LotDraft(number, quantity, expiry, bin_, entry, status), {}
