"""Delivery addresses: what each destination country expects, phone checks, and the Latin
transliteration carriers and customs read beside the buyer's own script."""
from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
import sqlalchemy as sa
from unidecode import unidecode

from shop.domain import places, transliteration
from shop.extensions import db
from shop.models import Address


@dataclass(frozen=True)
class PostcodeRule:
    pattern: re.Pattern[str]
    example: str
    required: bool = True


# Formats the national posts use. Kazakhstan moved to 7-character codes (A01P3K4) in 2015,
# but the old 6-digit codes are still what most buyers know, so both are accepted.
POSTCODES: dict[str, PostcodeRule] = {
    "CN": PostcodeRule(re.compile(r"[0-9]{6}"), "100000"),
    "RU": PostcodeRule(re.compile(r"[0-9]{6}"), "101000"),
    "PK": PostcodeRule(re.compile(r"[0-9]{5}"), "54000"),
    "KG": PostcodeRule(re.compile(r"[0-9]{6}"), "720001"),
    "KZ": PostcodeRule(re.compile(r"[0-9]{6}|[A-Z][0-9]{2}[A-Z][0-9][A-Z][0-9]"), "050000"),
    "UZ": PostcodeRule(re.compile(r"[0-9]{6}"), "100000"),
    "TJ": PostcodeRule(re.compile(r"[0-9]{6}"), "734000"),
}

# Native spellings of cities the express lines name, beside those shop.domain.places knows,
# so a buyer may type "لاہور" or "Москва" and still be routed: routing
# compares Latin names.
CITY_ALIASES: dict[str, str] = {
    "алма-ата": "Almaty", "москве": "Moscow", "пекин": "Beijing", "санкт петербург": "Saint Petersburg",
    "лахор": "Lahore", "исламабад": "Islamabad", "карачи": "Karachi",
}


@functools.cache
def _city_aliases() -> dict[str, str]:
    return places.native_city_names() | CITY_ALIASES


_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩０１２３４５６７８９", "0123456789" * 3)


@dataclass
class AddressCheck:
    """The cleaned address and, per field, the problems found (codes for the web layer to word)."""

    values: dict[str, str]
    errors: dict[str, tuple[str, dict[str, object]]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def normalise_postcode(text: str) -> str:
    """Upper case, Eastern Arabic and full-width digits made ASCII, spaces and dashes dropped."""
    return re.sub(r"[\s\-]", "", (text or "").translate(_DIGITS)).upper()


def check_postcode(country: str, text: str) -> tuple[str, str | None]:
    """The normalised postcode and None, or the text and an error code ('required' | 'format')."""
    rule = POSTCODES.get(country)
    code = normalise_postcode(text)
    if rule is None:
        return code[:16], None
    if not code:
        return code, "required" if rule.required else None
    if not rule.pattern.fullmatch(code):
        return (text or "").strip(), "format"
    return code, None


def postcode_example(country: str) -> str | None:
    rule = POSTCODES.get(country)
    return rule.example if rule else None


def check_phone(country: str, text: str) -> tuple[str, str | None]:
    """The number in E.164 and None, or the text and 'required' | 'invalid'."""
    raw = (text or "").strip()
    if not raw:
        return raw, "required"
    try:
        number = phonenumbers.parse(raw.translate(_DIGITS), country or None)
    except phonenumbers.NumberParseException:
        return raw, "invalid"
    if not phonenumbers.is_valid_number_for_region(number, country):
        return raw, "invalid"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None


def phone_example(country: str) -> str | None:
    number = phonenumbers.example_number_for_type(country, phonenumbers.PhoneNumberType.MOBILE)
    if number is None:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _pinyin(characters: str) -> list[str]:
    """Toneless pinyin, one syllable per Chinese character (pypinyin's phrase dictionary picks
    the reading a word has: 重庆 Chongqing, not Zhongqing)."""
    from pypinyin import lazy_pinyin  # imported here: its dictionaries cost ~50 MB per worker
    return list(lazy_pinyin(characters))


def _leftovers(text: str) -> str:
    # Letters of scripts the domain's rules do not cover (Greek, Georgian...): unidecode's guess.
    return "".join(c if ord(c) < 128 else unidecode(c) for c in text)


def latin(text: str) -> str:
    """A Latin transliteration: Chinese as pinyin words, Cyrillic by ICAO, Urdu by its
    romanisation (shop.domain.transliteration), any other script by unidecode."""
    return _leftovers(transliteration.latin((text or "").translate(_DIGITS), _pinyin))


def routing_city(city: str) -> str:
    """The Latin name routing compares, from what the buyer typed in any script."""
    cleaned = " ".join((city or "").split())
    alias = _city_aliases().get(cleaned.casefold())
    if alias:
        return alias
    return latin(cleaned)


# Bidirectional embeddings, overrides and isolates flip the order a label or slip is printed in.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """Whether `text` holds control characters (a line break allowed when multiline) or bidi controls."""
    return any((char in _BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs"))
               and not (multiline and char in "\r\n") for char in text)


def check_address(*, name: str, phone: str, country: str, city: str, address: str, postcode: str,
                  countries: set[str] | frozenset[str]) -> AddressCheck:
    """Validate a delivery address for `country` (one of `countries`, the destinations served)."""
    country = (country or "").strip().upper()
    values = {"name": " ".join((name or "").split()), "country": country,
              "city": " ".join((city or "").split()), "address": (address or "").strip(),
              "phone": (phone or "").strip(), "postcode": (postcode or "").strip()}
    result = AddressCheck(values)
    errors = result.errors
    if not values["name"]:
        errors["name"] = ("required", {})
    elif len(values["name"]) > 120:
        errors["name"] = ("too_long", {"max": 120})
    if country not in countries:
        errors["country"] = ("required" if not country else "not_served", {})
    if not values["city"]:
        errors["city"] = ("required", {})
    elif len(values["city"]) > 80:
        errors["city"] = ("too_long", {"max": 80})
    if not values["address"]:
        errors["address"] = ("required", {})
    elif len(values["address"]) > 300:
        errors["address"] = ("too_long", {"max": 300})
    for key in ("name", "city", "address", "phone", "postcode"):
        if key not in errors and has_control_characters(values[key], multiline=key == "address"):
            errors[key] = ("control_characters", {})
    if "country" not in errors:
        values["phone"], problem = check_phone(country, values["phone"])
        if problem:
            errors["phone"] = (problem, {"example": phone_example(country) or ""})
        values["postcode"], problem = check_postcode(country, values["postcode"])
        if problem:
            errors["postcode"] = (problem, {"example": postcode_example(country) or ""})
    elif not values["phone"]:
        errors["phone"] = ("required", {})
    return result


def latin_block(values: dict[str, str]) -> str:
    """The whole address in Latin letters, one comma-separated line, for labels and customs."""
    city = values.get("city", "")
    return _leftovers(transliteration.address_block(
        name=values.get("name", ""), address=values.get("address", ""), city=city,
        postcode=values.get("postcode", ""), country=values.get("country", ""), han_reader=_pinyin,
        city_latin=routing_city(city) if city else None))[:600]


def needs_latin(values: dict[str, str]) -> bool:
    """Whether the address has letters a Latin-only reader (a foreign carrier, customs) cannot read."""
    return any(transliteration.needs_latin(values.get(key, "") or "") for key in ("name", "address", "city"))


def check_latin(text: str) -> tuple[str, str | None]:
    """The Latin form a buyer corrected: one line, Latin letters only. The text and None, or
    an error code ('not_latin' | 'too_long' | 'control_characters')."""
    cleaned = " ".join((text or "").split())
    if has_control_characters(text or "", multiline=True):
        return cleaned, "control_characters"
    if len(cleaned) > 600:
        return cleaned, "too_long"
    if transliteration.needs_latin(cleaned) or any(ord(c) > 0x24f and c.isalpha() for c in cleaned):
        return cleaned, "not_latin"
    return cleaned, None


ADDRESS_FIELDS = ("name", "phone", "country", "city", "address", "postcode")
MAX_SAVED = 20  # addresses a buyer's book keeps; the checkout forgets the oldest unused one past it


def saved_order() -> tuple[Any, ...]:
    """The order of a buyer's book: the default first, then the one used last."""
    return Address.is_default.desc(), Address.last_used_at.desc().nulls_last(), Address.id.desc()


def last_address(user_id: int) -> Address | None:
    """The address the checkout starts from: the buyer's default, else the one used last."""
    return db.session.scalar(sa.select(Address).where(Address.user_id == user_id).order_by(*saved_order()).limit(1))


def recent_addresses(user_id: int, limit: int = MAX_SAVED) -> list[Address]:
    """The buyer's address book, the default first, then the most recently used."""
    return list(db.session.scalars(
        sa.select(Address).where(Address.user_id == user_id).order_by(*saved_order()).limit(limit)))


def remember_address(user_id: int, values: dict[str, str], latin: str | None = None) -> None:
    """Keep this delivery address in the buyer's book (inside the caller's transaction): the same
    address is only marked as used now; a new one is added, and past MAX_SAVED the oldest
    address that is not the default goes."""
    wanted = {f: values.get(f) or "" for f in ADDRESS_FIELDS}
    same = db.session.scalar(sa.select(Address).where(
        Address.user_id == user_id, *(getattr(Address, f) == wanted[f] for f in ADDRESS_FIELDS)).limit(1))
    now = dt.datetime.now(dt.UTC)
    if same is not None:
        same.last_used_at = now
        if latin:
            same.latin = latin
        return
    db.session.add(Address(user_id=user_id, latin=latin or latin_block(wanted), last_used_at=now, **wanted))
    db.session.flush()
    defaults = db.session.scalar(sa.select(sa.func.count(Address.id)).where(
        Address.user_id == user_id, Address.is_default.is_(True))) or 0
    surplus = list(db.session.scalars(
        sa.select(Address).where(Address.user_id == user_id, Address.is_default.is_(False))
        .order_by(Address.last_used_at.desc().nulls_last(), Address.id.desc()).offset(MAX_SAVED - defaults)))
    for row in surplus:
        db.session.delete(row)
