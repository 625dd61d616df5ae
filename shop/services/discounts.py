"""Discount codes as use cases: try a code on a cart, take one use of it inside an order's
transaction (the code's row locked, so the last use cannot go twice), give the use back when the
order is cancelled or expires, and keep the codes (the admin's, and each merchant's own).

The rules (does it apply, how much, which lines) are shop.domain.discounts'; a refusal is its
DiscountRefused, which the web layer words."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from shop.database import write_transaction
from shop.domain import discounts as rules
from shop.domain import routing
from shop.domain.discounts import DiscountRefused as DiscountRefused
from shop.domain.messages import N_, Message, Nn_, Sentence
from shop.extensions import db
from shop.models import AuditLog, Category, Discount, DiscountRedemption, ExpressLine, Merchant, Order, Product, utcnow
from shop.services import locking

MAX_VALUE_CNY = Decimal("100000")
MAX_COUNT = 1_000_000
MAX_SKUS = 200


@dataclass(frozen=True)
class Buyer:
    """Who is using a code: uses per buyer are counted by any of the three."""

    user_id: int | None = None
    email: str | None = None
    id_number: str | None = None


@dataclass(frozen=True)
class Applied:
    """A code that applies to a cart: its rule, the lines in its scope and the goods discount."""

    discount_id: int
    code: str
    kind: str
    rule: rules.Discount
    eligible: tuple[rules.CartLine, ...]
    goods: Mapping[str, Decimal]  # sku -> discount on that line

    @property
    def goods_total(self) -> Decimal:
        return sum(self.goods.values(), Decimal("0.00"))

    def shipping_off(self, option: routing.Option) -> Decimal:
        """What the code takes off this option's shipping (free-shipping codes only)."""
        return rules.shipping_discount(self.rule, shipment_costs(option), self.eligible)

    def total_off(self, option: routing.Option | None) -> Decimal:
        return self.goods_total + (self.shipping_off(option) if option is not None else Decimal(0))


def shipment_costs(option: routing.Option) -> list[rules.ShipmentCost]:
    return [rules.ShipmentCost(s.line, tuple(sku for sku, _ in s.items), Decimal(s.cost)) for s in option.shipments]


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def rule_of(row: Discount) -> rules.Discount:
    return rules.Discount(
        code=row.code, kind=row.kind, value=Decimal(row.value), min_subtotal_cny=Decimal(row.min_subtotal_cny),
        valid_from=_aware(row.valid_from), valid_until=_aware(row.valid_until), max_uses=row.max_uses,
        per_buyer=row.per_buyer, scope=row.scope, category_ids=frozenset(int(i) for i in row.category_ids or ()),
        merchant_id=row.scope_merchant_id, product_ids=frozenset(int(i) for i in row.product_ids or ()),
        line_code=row.line_code, active=row.active)


def cart_lines(pairs: Iterable[tuple[Product, int]]) -> list[rules.CartLine]:
    return [rules.CartLine(p.id, p.sku, p.category_id, p.merchant_id, Decimal(p.price_cny), q) for p, q in pairs]


def find(code: object) -> Discount | None:
    """The code's row (any spelling), or None."""
    normalised = rules.normalise_code(code)
    if not normalised:
        return None
    return db.session.scalar(sa.select(Discount).where(Discount.code == normalised))


def _buyer_filter(buyer: Buyer) -> sa.ColumnElement[bool] | None:
    ors: list[sa.ColumnElement[bool]] = []
    if buyer.user_id is not None:
        ors.append(DiscountRedemption.user_id == buyer.user_id)
    if buyer.email:
        ors.append(DiscountRedemption.email == buyer.email.strip().lower())
    if buyer.id_number:
        ors.append(DiscountRedemption.id_number == buyer.id_number.strip().upper())
    return sa.or_(*ors) if ors else None


def buyer_uses(discount_id: int, buyer: Buyer | None) -> int:
    """Uses of the code held by orders of this buyer (its account, e-mail or ID number)."""
    which = _buyer_filter(buyer) if buyer is not None else None
    if which is None:
        return 0
    return int(db.session.scalar(sa.select(sa.func.count(DiscountRedemption.id)).where(
        DiscountRedemption.discount_id == discount_id, DiscountRedemption.released_at.is_(None), which)) or 0)


def _apply(row: Discount, lines: Sequence[rules.CartLine], buyer: Buyer | None, now: dt.datetime) -> Applied:
    rule = rule_of(row)
    eligible = rules.check(rule, lines, now, uses=row.used_count, buyer_uses=buyer_uses(row.id, buyer))
    return Applied(row.id, row.code, row.kind, rule, eligible, rules.goods_discounts(rule, eligible))


def evaluate(code: object, pairs: Iterable[tuple[Product, int]], *, buyer: Buyer | None = None,
             now: dt.datetime | None = None) -> Applied:
    """The code applied to these products, or DiscountRefused (nothing is taken: see take_use)."""
    row = find(code)
    if row is None:
        raise DiscountRefused("unknown")
    return _apply(row, cart_lines(pairs), buyer, now or utcnow())


def take_use(applied: Applied, buyer: Buyer, lines: Sequence[rules.CartLine],
             shipping_cny: Decimal, now: dt.datetime) -> DiscountRedemption:
    """Inside the order's write transaction: lock the code, check it again with the uses as they
    stand now and count one more (DiscountRefused if it is gone). Answers the redemption, for
    the caller to attach to its order and add to the session.

    Placing calls this before it locks the lots (shop/services/locking.py's order)."""
    row = next(iter(locking.lock_discounts(Discount.id == applied.discount_id)), None)
    if row is None:
        raise DiscountRefused("unknown")
    fresh = _apply(row, lines, buyer, now)
    if dict(fresh.goods) != dict(applied.goods):
        raise DiscountRefused("unknown")  # the code was edited since the buyer saw it: ask again
    row.used_count += 1
    return DiscountRedemption(
        discount_id=row.id, user_id=buyer.user_id, email=(buyer.email or "").strip().lower(),
        id_number=buyer.id_number, code=row.code, goods_cny=applied.goods_total, shipping_cny=shipping_cny,
        created_at=now)


def give_back(order: Order, now: dt.datetime | None = None) -> bool:
    """Inside a cancelling transaction (the order locked): the order's use of its code goes back."""
    redemption = db.session.scalar(sa.select(DiscountRedemption).where(
        DiscountRedemption.order_id == order.id, DiscountRedemption.released_at.is_(None)))
    if redemption is None:
        return False
    for row in locking.lock_discounts(Discount.id == redemption.discount_id):
        row.used_count = max(row.used_count - 1, 0)
    redemption.released_at = now or utcnow()
    return True


# ---- keeping the codes (admin, merchant portal, command line) ------------------------------

class InvalidDiscount(ValueError):
    """A code the form cannot save; `errors` maps each field to why (nothing was written)."""

    def __init__(self, errors: dict[str, Sentence]) -> None:
        super().__init__(errors)
        self.errors = errors


class DiscountNotFound(LookupError):
    pass


FIELDS = ("code", "kind", "value", "max_uses", "per_buyer", "min_subtotal", "valid_from", "valid_until",
          "scope", "categories", "merchant", "skus", "line")


def _text(values: Mapping[str, object], name: str, limit: int = 2000) -> str:
    raw = values.get(name)
    text = raw if isinstance(raw, str) else ""
    return text.strip()[:limit]


def _amount(text: str, *, maximum: Decimal) -> Decimal | Message:
    if not text:
        return Decimal(0)
    try:
        value = Decimal(text.replace(",", "."))
    except (InvalidOperation, ValueError):
        return N_("Please enter a number, such as 10 or 12.50.")
    if not value.is_finite() or value < 0:
        return N_("Please enter a number, such as 10 or 12.50.")
    if value > maximum:
        return N_("At most %(max)s.", max=f"{maximum:f}")
    if value != value.quantize(Decimal("0.01")):
        return N_("At most two decimal places.")
    return value


def _count(text: str) -> int | None | Message:
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 7 or not 1 <= int(text) <= MAX_COUNT:
        return N_("Please enter a whole number from 1 to %(max)s, or leave it empty for no limit.", max=MAX_COUNT)
    return int(text)


def _day(text: str, *, end: bool) -> dt.datetime | None | Message:
    """A YYYY-MM-DD day in the zone's time: its first moment, or its last (`end`)."""
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None or not 2000 <= day.year <= 2100:
        return N_("Please enter a date as YYYY-MM-DD.")
    start = dt.datetime.combine(day, dt.time(0), tzinfo=routing.SHANGHAI)
    moment = start + dt.timedelta(days=1) - dt.timedelta(microseconds=1) if end else start
    return moment.astimezone(dt.UTC)


def _words(text: str) -> list[str]:
    return [w for w in text.replace(",", " ").replace(";", " ").split() if w]


@dataclass(frozen=True)
class Owner:
    """Who keeps a code: the shop (admin, merchant_id None) or one merchant (its own listings only)."""

    merchant_id: int | None = None


SHOP = Owner()


def _parse(values: Mapping[str, object], owner: Owner, current: Discount | None) -> dict[str, object]:
    errors: dict[str, Sentence] = {}
    out: dict[str, object] = {}
    raw_code = _text(values, "code", 100)
    code = rules.normalise_code(raw_code)
    if not raw_code:
        errors["code"] = N_("This field is required.")
    elif not code:
        errors["code"] = N_("A code has 3 to 32 letters A-Z, digits, '-' or '_'.")
    else:
        clash = db.session.scalar(sa.select(Discount.id).where(Discount.code == code))
        if clash is not None and (current is None or clash != current.id):
            errors["code"] = N_("There is already a discount code %(code)s.", code=code)
    out["code"] = code

    kind = _text(values, "kind", 20)
    if kind not in rules.KINDS:
        errors["kind"] = N_("Please choose what the code takes off.")
    out["kind"] = kind
    value = _amount(_text(values, "value", 30), maximum=MAX_VALUE_CNY)
    if isinstance(value, Message):
        errors["value"] = value
    elif kind == "percent" and not Decimal(0) < value <= 100:
        errors["value"] = N_("A percentage from 0.01 to 100.")
    elif kind == "amount" and value <= 0:
        errors["value"] = N_("Please enter the amount in yuan the code takes off.")
    out["value"] = value if isinstance(value, Decimal) and kind != "free_shipping" else Decimal(0)

    minimum = _amount(_text(values, "min_subtotal", 30), maximum=MAX_VALUE_CNY)
    if isinstance(minimum, Message):
        errors["min_subtotal"] = minimum
    out["min_subtotal_cny"] = minimum if isinstance(minimum, Decimal) else Decimal(0)
    for name, column in (("max_uses", "max_uses"), ("per_buyer", "per_buyer")):
        count = _count(_text(values, name, 20))
        if isinstance(count, Message):
            errors[name] = count
        else:
            out[column] = count
    if (current is not None and isinstance(out.get("max_uses"), int)
            and current.used_count > out["max_uses"]):  # type: ignore[operator]
        errors["max_uses"] = Nn_("This code has been used %(num)d time already.",
                                 "This code has been used %(num)d times already.", current.used_count)
    for name, end in (("valid_from", False), ("valid_until", True)):
        moment = _day(_text(values, name, 20), end=end)
        if isinstance(moment, Message):
            errors[name] = moment
        else:
            out[name] = moment
    start, until = out.get("valid_from"), out.get("valid_until")
    if isinstance(start, dt.datetime) and isinstance(until, dt.datetime) and until < start:
        errors["valid_until"] = N_("The last day comes before the first.")

    line = _text(values, "line", 40)
    out["line_code"] = None
    if line and kind == "free_shipping":
        if db.session.scalar(sa.select(ExpressLine.id).where(ExpressLine.code == line)) is None:
            errors["line"] = N_("There is no express line %(code)s.", code=line[:40])
        out["line_code"] = line

    scope = _text(values, "scope", 20) or "all"
    if owner.merchant_id is not None and scope not in ("merchant", "listings"):
        scope = "merchant"  # a merchant's code is for its own listings, whatever the form says
    if scope not in rules.SCOPES:
        errors["scope"] = N_("Please choose what the code is for.")
    out.update(scope=scope, category_ids=[], product_ids=[], scope_merchant_id=None)
    if scope == "categories":
        slugs = _words(_text(values, "categories"))[:MAX_SKUS]
        found = dict(db.session.execute(sa.select(Category.slug, Category.id).where(Category.slug.in_(slugs))).all())
        unknown = [s for s in slugs if s not in found]
        if not slugs:
            errors["categories"] = N_("Name at least one category.")
        elif unknown:
            errors["categories"] = N_("No such category: %(names)s.", names=", ".join(u[:40] for u in unknown[:5]))
        out["category_ids"] = sorted(set(found.values()))
    elif scope == "merchant":
        if owner.merchant_id is not None:
            out["scope_merchant_id"] = owner.merchant_id
        else:
            slug = _text(values, "merchant", 64)
            merchant_id = db.session.scalar(sa.select(Merchant.id).where(Merchant.slug == slug)) if slug else None
            if merchant_id is None:
                errors["merchant"] = N_("Please choose the merchant whose listings the code is for.")
            out["scope_merchant_id"] = merchant_id
    elif scope == "listings":
        skus = _words(_text(values, "skus", 10_000))[:MAX_SKUS]
        stmt = sa.select(Product.sku, Product.id).where(Product.sku.in_(skus))
        if owner.merchant_id is not None:
            stmt = stmt.where(Product.merchant_id == owner.merchant_id)
        found = dict(db.session.execute(stmt).all())
        unknown = [s for s in skus if s not in found]
        if not skus:
            errors["skus"] = N_("Name at least one listing by its SKU.")
        elif unknown:
            # A merchant is told the same about another merchant's SKU as about one that does not exist.
            errors["skus"] = N_("Not one of the listings: %(skus)s.", skus=", ".join(u[:40] for u in unknown[:5]))
        out["product_ids"] = sorted(set(found.values()))
    if errors:
        raise InvalidDiscount(errors)
    return out


def _owned(discount_id: int, owner: Owner) -> Discount:
    row = db.session.get(Discount, discount_id)
    if row is None or row.owner_merchant_id != owner.merchant_id:
        raise DiscountNotFound(discount_id)
    return row


def get_discount(discount_id: int, owner: Owner = SHOP) -> Discount:
    """One code its owner may see (DiscountNotFound for another's)."""
    return _owned(discount_id, owner)


def list_discounts(owner: Owner = SHOP, *, everyone: bool = False) -> list[Discount]:
    """The owner's codes, newest first (`everyone`: every code, for the admin)."""
    stmt = sa.select(Discount).order_by(Discount.id.desc())
    if not everyone:
        stmt = stmt.where(Discount.owner_merchant_id.is_(owner.merchant_id) if owner.merchant_id is None
                          else Discount.owner_merchant_id == owner.merchant_id)
    return list(db.session.scalars(stmt))


def save_discount(values: Mapping[str, object], *, owner: Owner = SHOP, discount_id: int | None = None,
                  user_id: int | None = None) -> Discount:
    """Create a code, or change one the owner keeps; InvalidDiscount lists what to correct."""
    with write_transaction():
        current = _owned(discount_id, owner) if discount_id is not None else None
        if current is not None:
            locking.lock_discounts(Discount.id == current.id)
        parsed = _parse(values, owner, current)
        row = current or Discount(owner_merchant_id=owner.merchant_id, used_count=0, active=True)
        for name, value in parsed.items():
            setattr(row, name, value)
        if current is None:
            db.session.add(row)
        db.session.flush()
        db.session.add(AuditLog(user_id=user_id, action="discount.edit" if current else "discount.create",
                                entity="discount", entity_id=row.code, data={"kind": row.kind}))
    return row


def set_active(discount_id: int, active: bool, *, owner: Owner = SHOP, any_owner: bool = False,
               user_id: int | None = None) -> Discount:
    """Deactivate a code (a buyer is then told it is unknown), or activate it again; `any_owner`
    (the admin's) reaches a merchant's code too."""
    with write_transaction():
        row = db.session.get(Discount, discount_id) if any_owner else _owned(discount_id, owner)
        if row is None:
            raise DiscountNotFound(discount_id)
        locking.lock_discounts(Discount.id == row.id)
        row.active = active
        db.session.add(AuditLog(user_id=user_id, action="discount.activate" if active else "discount.deactivate",
                                entity="discount", entity_id=row.code, data={}))
    return row


def form_values(row: Discount) -> dict[str, str]:
    """A code as its edit form shows it."""
    def day(moment: dt.datetime | None) -> str:
        aware = _aware(moment)
        return aware.astimezone(routing.SHANGHAI).date().isoformat() if aware else ""

    def amount(value: Decimal) -> str:
        return "" if not value else f"{Decimal(value):f}"

    categories = db.session.scalars(sa.select(Category.slug).where(Category.id.in_(row.category_ids or [])))
    skus = db.session.scalars(sa.select(Product.sku).where(Product.id.in_(row.product_ids or [])).order_by(Product.sku))
    merchant = db.session.get(Merchant, row.scope_merchant_id) if row.scope_merchant_id else None
    return {"code": row.code, "kind": row.kind, "value": amount(row.value),
            "max_uses": "" if row.max_uses is None else str(row.max_uses),
            "per_buyer": "" if row.per_buyer is None else str(row.per_buyer),
            "min_subtotal": amount(row.min_subtotal_cny), "valid_from": day(row.valid_from),
            "valid_until": day(row.valid_until), "scope": row.scope, "categories": " ".join(categories),
            "merchant": merchant.slug if merchant else "", "skus": " ".join(skus), "line": row.line_code or ""}


def redemption_of(order_id: int) -> DiscountRedemption | None:
    return db.session.scalar(sa.select(DiscountRedemption).where(DiscountRedemption.order_id == order_id))


@dataclass(frozen=True)
class Choices:
    """What a code's form offers: merchants (slug, name), express lines (code) and categories (slug)."""

    merchants: list[tuple[str, str]]
    lines: list[str]
    categories: list[str]


def form_choices() -> Choices:
    return Choices(
        merchants=[(slug, name) for slug, name in db.session.execute(
            sa.select(Merchant.slug, Merchant.name).order_by(Merchant.name))],
        lines=list(db.session.scalars(sa.select(ExpressLine.code).order_by(ExpressLine.code))),
        categories=list(db.session.scalars(sa.select(Category.slug).order_by(Category.slug))))
