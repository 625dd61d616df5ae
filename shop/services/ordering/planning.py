"""Planning an order before its write transaction: the goods, the shipping option, the buyer's
identity and import allowance, the currency's rate. Nothing here takes a lock."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from shop.domain import customs, money, routing
from shop.domain import discounts as rules
from shop.extensions import db
from shop.models import ExpressLine, Order, Product
from shop.services import discounts, variants
from shop.services.ordering.errors import EmptyCart, IdentityRequired, ImportLimitExceeded, ProductUnavailable
from shop.services.ordering.quoting import choose_option, latest_rates, line_codes, quote_items

# Statuses in which an import order's goods count against the buyer's annual allowance: paid
# ones, and unpaid ones still holding their stock (else two unpaid orders could each pass the
# limit that both together break).
PAID_STATUSES = ("paid", "picking", "packed", "shipped", "delivered")
COUNTED_STATUSES = ("pending_payment", "confirmed", *PAID_STATUSES)


def paid_import_value(id_number: str, now: dt.datetime) -> Decimal:
    """Goods value of this PRC ID number's import orders this calendar year (China time):
    paid ones by the day they were paid, unpaid reserved ones by the day they were placed."""
    local = now.astimezone(routing.SHANGHAI)
    start = dt.datetime(local.year, 1, 1, tzinfo=routing.SHANGHAI).astimezone(dt.UTC)
    end = dt.datetime(local.year + 1, 1, 1, tzinfo=routing.SHANGHAI).astimezone(dt.UTC)
    counted_from = sa.func.coalesce(Order.paid_at, Order.placed_at)
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Order.goods_cny), 0)).where(
            Order.id_number == id_number.strip().upper(), Order.flow == "import",
            Order.status.in_(COUNTED_STATUSES), counted_from >= start, counted_from < end))
    return Decimal(total or 0)


def check_import_allowance(goods_cny: Decimal, id_number: str, now: dt.datetime) -> None:
    """Raise ImportLimitExceeded when a cross-border import breaks the 5,000 / 26,000 CNY limits."""
    paid = paid_import_value(id_number, now) if id_number else Decimal(0)
    try:
        customs.check_import_limits(goods_cny, paid)
    except customs.OrderLimitExceeded as error:
        raise ImportLimitExceeded("order", error.order_value, error.limit) from None
    except customs.AnnualLimitExceeded as error:
        raise ImportLimitExceeded("annual", error.order_value, error.limit, error.remaining) from None


@dataclass(frozen=True)
class ShippingAddress:
    name: str
    phone: str
    country: str
    city: str
    address: str
    postcode: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "phone": self.phone, "country": self.country, "city": self.city,
                "address": self.address, "postcode": self.postcode}


@dataclass(frozen=True)
class Goods:
    """What an order needs of a product, read before the write lock is taken."""

    id: int
    sku: str
    name: str
    price_cny: Decimal
    weight_g: int
    length_mm: int
    width_mm: int
    height_mm: int


@dataclass(frozen=True)
class Plan:
    """Everything decided before the write transaction: goods, the option, taxes, the rate."""

    goods: list[tuple[Goods, int]]
    option: routing.Option
    flow: str
    id_name: str | None
    id_number: str | None
    goods_cny: Decimal
    currency: str
    rate: Decimal
    lines: dict[str, tuple[int, Decimal, Decimal]]  # code -> (id, capacity kg, capacity m3)
    discount: discounts.Applied | None = None  # the discount code, checked without a lock
    discount_lines: tuple[rules.CartLine, ...] = ()  # the cart as the code's rules see it
    shipping_discount_cny: Decimal = Decimal(0)

    @property
    def discount_cny(self) -> Decimal:
        return (self.discount.goods_total if self.discount else Decimal(0)) + self.shipping_discount_cny


def _name(product: Product, lang: str) -> str:
    return variants.display_name(product, lang)


def _load(items: list[tuple[int, int]], lang: str) -> tuple[list[tuple[Product, int]], list[tuple[Goods, int]]]:
    wanted: dict[int, int] = defaultdict(int)
    for product_id, quantity in items:
        wanted[int(product_id)] += int(quantity)
    if not wanted:
        raise EmptyCart()
    products = {p.id: p for p in db.session.scalars(
        sa.select(Product).where(Product.id.in_(wanted)).options(selectinload(Product.translations)))}
    missing = [products[i].sku if i in products else str(i) for i in wanted
               if i not in products or not products[i].active]
    if missing:
        raise ProductUnavailable(missing)
    pairs = [(products[i], q) for i, q in sorted(wanted.items())]
    goods = [(Goods(p.id, p.sku, _name(p, lang)[:200], Decimal(p.price_cny), p.weight_g, p.length_mm, p.width_mm,
                    p.height_mm), q) for p, q in pairs]
    return pairs, goods


def plan(*, lang: str, items: list[tuple[int, int]], address: ShippingAddress, line: str, currency: str,
         id_name: str | None, id_number: str | None, now: dt.datetime, discount_code: str | None = None,
         buyer: discounts.Buyer | None = None) -> Plan:
    """Read and decide what needs no lock; raises the errors a buyer can fix in the form
    (DiscountRefused for a code that cannot be used)."""
    pairs, goods = _load(items, lang)
    country = address.country.upper()
    flow = "import" if country == "CN" else "export"
    applied = discounts.evaluate(discount_code, pairs, buyer=buyer, now=now) if discount_code else None
    quote = quote_items(pairs, country, address.city, now, recipient_phone=address.phone,
                        discounts=applied.goods if applied else None)
    option = choose_option(quote, line, line_codes())
    goods_cny = money.round_amount(sum((g.price_cny * q for g, q in goods), Decimal(0)))
    if flow == "import":
        if not (id_name and id_number):
            raise IdentityRequired()
        # Customs count what the buyer pays for the goods.
        check_import_allowance(goods_cny - (applied.goods_total if applied else 0), id_number, now)
    else:
        id_name = id_number = None
    rates = latest_rates()
    if currency not in rates:
        currency = "CNY"
    lines = {code: (line_id, Decimal(kg), Decimal(m3)) for line_id, code, kg, m3 in db.session.execute(
        sa.select(ExpressLine.id, ExpressLine.code, ExpressLine.capacity_kg, ExpressLine.capacity_m3)
        .where(ExpressLine.code.in_([s.line for s in option.shipments])))}
    return Plan(goods, option, flow, id_name, id_number, goods_cny, currency, rates[currency], lines,
                applied, tuple(discounts.cart_lines(pairs)) if applied else (),
                applied.shipping_off(option) if applied else Decimal(0))
