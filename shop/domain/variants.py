"""Variants: one product a buyer sees, offered in several SKUs that differ by one or two options
(packaging, weight, colour...). Each variant is a listing of its own (price, weight, lots, stock),
so routing, customs and picking keep working per SKU; this module holds the rules of the group."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["MAX_OPTIONS", "MAX_VALUE", "OPTION_KINDS", "VariantRule", "check_member", "combination", "option_kind",
           "value_in"]

# What an option may be about; the words buyers read for each are the web layer's.
OPTION_KINDS = ("packaging", "weight", "volume", "size", "colour", "flavour", "scent", "capacity")
_ALIASES = {"color": "colour", "flavor": "flavour", "pack": "packaging", "package": "packaging",
            "packing": "packaging", "mass": "weight"}
MAX_OPTIONS = 2
MAX_VALUE = 60


class VariantRule(ValueError):
    """A variant that breaks a rule of its group; `code` says which."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code, self.params = code, params


def option_kind(text: str) -> str | None:
    """The option kind a merchant named ("Packaging", "color", "weight"), or None."""
    word = text.strip().casefold()
    return word if word in OPTION_KINDS else _ALIASES.get(word)


def value_in(value: Mapping[str, str], lang: str) -> str:
    """An option value in `lang`, else English, else any language it was given in."""
    return value.get(lang) or value.get("en") or next(iter(value.values()), "")


def combination(values: Sequence[Mapping[str, str]]) -> tuple[str, ...]:
    """What tells a variant from its siblings: its values as English, case and spaces ignored."""
    return tuple(" ".join(value_in(v, "en").split()).casefold() for v in values)


def check_member(kinds: Sequence[str], values: Sequence[Mapping[str, str]],
                 siblings: Mapping[str, Sequence[Mapping[str, str]]], sku: str) -> None:
    """Raise VariantRule unless a variant with these option values may join a group of `kinds`
    whose other members (sku -> values) are `siblings`."""
    if len(values) != len(kinds):
        raise VariantRule("options_differ", kinds=tuple(kinds))
    mine = combination(values)
    for other, theirs in siblings.items():
        if other != sku and combination(theirs) == mine:
            raise VariantRule("same_options", sku=other)
