"""Variants as a use case: which SKU stands for its product in listings, a product's family of
variants for its page and the API, and a listing joined to (or taken out of) its group."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from shop.domain import variants as rules
from shop.domain.messages import N_, Message
from shop.extensions import db
from shop.models import Product, VariantGroup

__all__ = ["Family", "VariantDraft", "VariantGroups", "attach", "display_name", "families", "family", "is_listed",
           "refusal", "variant_label"]


def is_listed() -> sa.ColumnElement[bool]:
    """True for the products a listing shows: one card per product, so of a group of variants
    only its first active SKU (the others are chosen on its page)."""
    sibling = aliased(Product)
    lead = (sa.select(sa.func.min(sibling.id))
            .where(sibling.variant_group_id == Product.variant_group_id, sibling.active.is_(True))
            .correlate(Product).scalar_subquery())
    return sa.or_(Product.variant_group_id.is_(None), Product.id == lead)


@dataclass(frozen=True)
class VariantDraft:
    """What a listing says of its group: the product's code, and (kind, value) per option."""

    code: str
    options: tuple[tuple[str, dict[str, str]], ...]

    @property
    def kinds(self) -> list[str]:
        return [kind for kind, _value in self.options]

    @property
    def values(self) -> list[dict[str, str]]:
        return [value for _kind, value in self.options]


@dataclass
class Family:
    """A product's variants, active ones only, in the order they were listed."""

    group: VariantGroup
    members: list[Product] = field(default_factory=list)

    @property
    def kinds(self) -> list[str]:
        return list(self.group.option_kinds or [])


def variant_label(product: Product, lang: str) -> str:
    """A variant's option values in `lang`, e.g. 'Hard bag' or '1 kg · Glass jar' ('' for none)."""
    return " · ".join(rules.value_in(value, lang) for value in (product.option_values or []))


def display_name(product: Product, lang: str) -> str:
    """A product's name in `lang` that names its variant too: 'Lieba bread (Hard bag)' unless
    the name already says it."""
    text = product.text(lang)
    name = text.name if text is not None else product.sku
    label = variant_label(product, lang)
    if label and label.casefold() not in name.casefold():
        return f"{name} ({label})"
    return name


def families(products: Iterable[Product]) -> dict[int, Family]:
    """The families of these products (by product id), each read once; products without one are missing."""
    by_group: dict[int, list[int]] = {}
    for product in products:
        if product.variant_group_id is not None:
            by_group.setdefault(product.variant_group_id, []).append(product.id)
    if not by_group:
        return {}
    groups = {g.id: Family(g) for g in db.session.scalars(sa.select(VariantGroup).where(VariantGroup.id.in_(by_group)))}
    for member in db.session.scalars(
            sa.select(Product).where(Product.variant_group_id.in_(by_group), Product.active.is_(True))
            .options(selectinload(Product.translations)).order_by(Product.id)):
        groups[member.variant_group_id].members.append(member)  # type: ignore[index]
    return {pid: groups[gid] for gid, ids in by_group.items() for pid in ids if gid in groups}


def family(product: Product) -> Family | None:
    """The product's family, or None when it is not a variant (or is the only one left)."""
    found = families([product]).get(product.id)
    return found if found is not None and len(found.members) > 1 else None


class VariantGroups:
    """The groups of one write (a form, an API call or a whole CSV file), made as first named."""

    def __init__(self, merchant_id: int) -> None:
        self.merchant_id = merchant_id
        self.cache: dict[str, VariantGroup] = {}

    def get(self, code: str, kinds: Sequence[str]) -> VariantGroup:
        found = self.cache.get(code.casefold())
        if found is None:
            found = db.session.scalar(sa.select(VariantGroup).where(
                VariantGroup.merchant_id == self.merchant_id, sa.func.lower(VariantGroup.code) == code.casefold()))
        if found is None:
            found = VariantGroup(merchant_id=self.merchant_id, code=code, option_kinds=list(kinds))
            db.session.add(found)
        self.cache[code.casefold()] = found
        return found


def _siblings(group: VariantGroup) -> Mapping[str, Sequence[Mapping[str, str]]]:
    if group.id is None:
        members = [p for p in db.session.new if isinstance(p, Product) and p.variant_group is group]
    else:
        members = list(db.session.scalars(sa.select(Product).where(Product.variant_group_id == group.id)))
        members += [p for p in db.session.new if isinstance(p, Product) and p.variant_group is group]
    return {p.sku: p.option_values or [] for p in members}


def attach(product: Product, draft: VariantDraft | None, groups: VariantGroups) -> bool:
    """Put the product in the group its draft names (or take it out of any); True when that
    changed something. Raises domain VariantRule when the group's options differ, or when a
    sibling already has the same option values."""
    if draft is None:
        changed = product.variant_group_id is not None or product.variant_group is not None
        product.variant_group = None
        product.option_values = None
        return changed
    group = groups.get(draft.code, draft.kinds)
    if list(group.option_kinds or []) != draft.kinds:
        raise rules.VariantRule("options_differ", kinds=tuple(group.option_kinds or ()))
    rules.check_member(group.option_kinds, draft.values, _siblings(group), product.sku)
    changed = product.variant_group is not group or (product.option_values or []) != draft.values
    product.variant_group = group
    product.option_values = draft.values
    return changed


def refusal(rule: rules.VariantRule, code: str) -> tuple[str, Message]:
    """The field a group's refusal belongs to, and the sentence that explains it."""
    if rule.code == "options_differ":
        kinds = ", ".join(str(k) for k in rule.params.get("kinds", ())) or "-"  # type: ignore[attr-defined]
        return "option1_name", N_("The variants of %(product)s have the options %(kinds)s: give this one the same.",
                                  product=code, kinds=kinds)
    return "option1_value", N_("%(sku)s already has these options in %(product)s.",
                               sku=str(rule.params.get("sku", "")), product=code)
