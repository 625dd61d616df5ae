"""SQLAlchemy 2 typed models: the shop's whole data model (see DESIGN.md)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from shop.domain import money
from shop.domain.allocation import CustomsStatus
from shop.domain.orders import OrderStatus, ShipmentStatus
from shop.domain.payments import PaymentStatus
from shop.domain.tracking import CarrierStatus
from shop.extensions import db

if TYPE_CHECKING:
    # db.Model is made at run time from Base (shop/extensions.py); type checkers see Base itself.
    from shop.extensions import Base as Model
else:
    Model = db.Model

Money = sa.Numeric(12, 2, asdecimal=True)
Rate = sa.Numeric(18, 8, asdecimal=True)
ROLES = ("buyer", "merchant", "staff", "admin")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


UtcDateTime = sa.DateTime(timezone=True)


def _values(vocabulary: type[Enum]) -> tuple[str, ...]:
    return tuple(member.value for member in vocabulary)


def _one_of(column: str, values: tuple[str, ...], name: str) -> sa.CheckConstraint:
    """A CHECK that `column` holds one of the domain's words (the migrations spell out the same list)."""
    return sa.CheckConstraint(f"{column} IN ({','.join(repr(v) for v in values)})", name=name)


class Merchant(Model):
    """A zone enterprise that owns listings and bonded stock."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    display_names: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    city: Mapped[str] = mapped_column(sa.String(80), default="Kashgar")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    products: Mapped[list[Product]] = relationship(back_populates="merchant")

    def display_name(self, lang: str) -> str:
        return (self.display_names or {}).get(lang) or self.name


class User(UserMixin, Model):
    """An account: buyer, merchant (tied to one merchant), staff or admin."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    role: Mapped[str] = mapped_column(sa.String(16), default="buyer")
    merchant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("merchant.id"))
    preferred_lang: Mapped[str] = mapped_column(sa.String(5), default="en")
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Part of the id every session and remember-me cookie carries: raising it (sign out, a new
    # password) ends every session of the account, in every browser.
    session_version: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")

    merchant: Mapped[Merchant | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("role IN ('buyer','merchant','staff','admin')", name="role_known"),
        sa.CheckConstraint("role <> 'merchant' OR merchant_id IS NOT NULL", name="merchant_has_merchant"),
    )

    def set_password(self, password: str) -> None:
        from flask import current_app
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if current_app else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # flask-login
        return self.active

    def get_id(self) -> str:  # flask-login: "<id>:<session version>", see load_user
        return f"{self.id}:{self.session_version or 1}"


class ApiToken(Model):
    """A bearer token a merchant creates in the portal; only its hash is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("merchant.id"))
    name: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    revoked: Mapped[bool] = mapped_column(sa.Boolean, default=False)

    user: Mapped[User] = relationship()
    merchant: Mapped[Merchant] = relationship()


class Category(Model):
    """A catalogue category; its names live in CategoryTranslation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("category.id"))
    position: Mapped[int] = mapped_column(default=0)

    parent: Mapped[Category | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Category]] = relationship(back_populates="parent", order_by="Category.position")
    translations: Mapped[list[CategoryTranslation]] = relationship(
        back_populates="category", cascade="all, delete-orphan", lazy="selectin"
    )

    def text(self, lang: str) -> CategoryTranslation | None:
        by_lang = {t.lang: t for t in self.translations}
        return by_lang.get(lang) or by_lang.get("en")


class CategoryTranslation(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("category.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(sa.String(5))
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")

    category: Mapped[Category] = relationship(back_populates="translations")

    __table_args__ = (sa.UniqueConstraint("category_id", "lang", name="uq_category_translation_lang"),)


class Product(Model):
    """A listing: customs and logistics data; its texts live in ProductTranslation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(sa.String(40), unique=True)
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("merchant.id"), index=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("category.id"), index=True)
    origin_country: Mapped[str] = mapped_column(sa.String(2), index=True)
    hs_code: Mapped[str] = mapped_column(sa.String(16))
    tax_class: Mapped[str] = mapped_column(sa.String(20), default="general")
    price_cny: Mapped[Decimal] = mapped_column(Money)
    weight_g: Mapped[int] = mapped_column()
    length_mm: Mapped[int] = mapped_column()
    width_mm: Mapped[int] = mapped_column()
    height_mm: Mapped[int] = mapped_column()
    goods_flags: Mapped[list] = mapped_column(sa.JSON, default=list)
    featured: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    # Fewer units available than this puts the listing in the merchant's daily digest (0 = never).
    reorder_point: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    # A variant of a product offered in several SKUs: its group, and its option values in the
    # order of the group's option kinds, each {lang: text} (see shop/domain/variants.py).
    variant_group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("variant_group.id"), index=True)
    option_values: Mapped[list | None] = mapped_column(sa.JSON)

    merchant: Mapped[Merchant] = relationship(back_populates="products")
    variant_group: Mapped[VariantGroup | None] = relationship(back_populates="variants")
    category: Mapped[Category] = relationship()
    translations: Mapped[list[ProductTranslation]] = relationship(
        back_populates="product", cascade="all, delete-orphan"
    )
    lots: Mapped[list[Lot]] = relationship(back_populates="product", order_by="Lot.id")
    images: Mapped[list[ProductImage]] = relationship(
        back_populates="product", order_by="(ProductImage.position, ProductImage.id)", cascade="all, delete-orphan")

    __table_args__ = (
        sa.CheckConstraint("price_cny >= 0", name="price_not_negative"),
        sa.CheckConstraint("reorder_point >= 0", name="reorder_point_not_negative"),
        sa.CheckConstraint("weight_g > 0", name="weight_positive"),
        sa.CheckConstraint("length_mm > 0 AND width_mm > 0 AND height_mm > 0", name="dimensions_positive"),
        sa.CheckConstraint("tax_class IN ('food','general','cosmetics_high')", name="tax_class_known"),
    )

    def text(self, lang: str) -> ProductTranslation | None:
        """The translation in `lang`, else English, else any."""
        by_lang = {t.lang: t for t in self.translations}
        return by_lang.get(lang) or by_lang.get("en") or next(iter(by_lang.values()), None)

    @property
    def dimensions_mm(self) -> list[int]:
        return [self.length_mm, self.width_mm, self.height_mm]


class ProductTranslation(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(sa.String(5))
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    slug: Mapped[str] = mapped_column(sa.String(200))

    product: Mapped[Product] = relationship(back_populates="translations")

    __table_args__ = (
        sa.UniqueConstraint("product_id", "lang", name="uq_product_translation_lang"),
        sa.UniqueConstraint("lang", "slug", name="uq_product_translation_slug"),
    )


LOT_STATUSES = _values(CustomsStatus)


class Lot(Model):
    """A bonded stock lot; every change to it is a StockMove."""

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id"), index=True)
    lot_number: Mapped[str] = mapped_column(sa.String(40), unique=True)
    customs_entry: Mapped[str] = mapped_column(sa.String(40))
    on_hand: Mapped[int] = mapped_column(default=0)
    reserved: Mapped[int] = mapped_column(default=0)
    expiry: Mapped[dt.date | None] = mapped_column(sa.Date)
    bin: Mapped[str] = mapped_column(sa.String(20))
    customs_status: Mapped[str] = mapped_column(sa.String(16), default="bonded")
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    product: Mapped[Product] = relationship(back_populates="lots")

    __table_args__ = (
        sa.CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        sa.CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        sa.CheckConstraint("reserved <= on_hand", name="reserved_within_on_hand"),
        _one_of("customs_status", LOT_STATUSES, "customs_status_known"),
    )

    @property
    def available(self) -> int:
        return 0 if self.customs_status == "quarantined" else self.on_hand - self.reserved


STOCK_MOVE_KINDS = ("intake", "reserve", "release", "pick", "adjust", "return")


class StockMove(Model):
    """Append-only stock ledger: on hand and reserved rebuild from the sum of its rows."""

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(sa.ForeignKey("lot.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    on_hand_delta: Mapped[int] = mapped_column(default=0)
    reserved_delta: Mapped[int] = mapped_column(default=0)
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("order.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    lot: Mapped[Lot] = relationship()

    __table_args__ = (
        sa.CheckConstraint("kind IN ('intake','reserve','release','pick','adjust','return')", name="kind_known"),
    )


class ExpressLine(Model):
    """An express line out of the zone, with its schedule, limits and rate table."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    mode: Mapped[str] = mapped_column(sa.String(16))
    names: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    descriptions: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    serves: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # country -> [cities], [] = all
    weekdays: Mapped[list] = mapped_column(sa.JSON, default=list)  # 0 = Monday
    cutoff: Mapped[dt.time] = mapped_column(sa.Time)
    transit_days_min: Mapped[int] = mapped_column()
    transit_days_max: Mapped[int] = mapped_column()
    refused_flags: Mapped[list] = mapped_column(sa.JSON, default=list)
    max_parcel_weight_g: Mapped[int] = mapped_column()
    max_parcel_side_mm: Mapped[int] = mapped_column()
    capacity_kg: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2))
    capacity_m3: Mapped[Decimal] = mapped_column(sa.Numeric(10, 3))
    first_weight_g: Mapped[int] = mapped_column()
    first_price: Mapped[Decimal] = mapped_column(Money)
    step_g: Mapped[int] = mapped_column()
    step_price: Mapped[Decimal] = mapped_column(Money)
    volumetric_divisor: Mapped[int] = mapped_column(default=5000)
    closes_on_cn_holidays: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)

    closures: Mapped[list[LineClosure]] = relationship(
        back_populates="line", cascade="all, delete-orphan", order_by="LineClosure.start", lazy="selectin"
    )

    __table_args__ = (
        sa.CheckConstraint("transit_days_min >= 0 AND transit_days_max >= transit_days_min", name="transit_range"),
        sa.CheckConstraint("first_price >= 0 AND step_price >= 0", name="prices_not_negative"),
        sa.CheckConstraint("first_weight_g > 0 AND step_g > 0", name="weights_positive"),
        sa.CheckConstraint("capacity_kg >= 0 AND capacity_m3 >= 0", name="capacity_not_negative"),
    )

    def display_name(self, lang: str) -> str:
        return (self.names or {}).get(lang) or (self.names or {}).get("en") or self.code


class LineClosure(Model):
    """A period an express line does not depart (a season, a holiday, works)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(sa.ForeignKey("express_line.id", ondelete="CASCADE"), index=True)
    start: Mapped[dt.date] = mapped_column(sa.Date)
    end: Mapped[dt.date] = mapped_column(sa.Date)
    yearly: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    kind: Mapped[str] = mapped_column(sa.String(16), default="season")
    note: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    line: Mapped[ExpressLine] = relationship(back_populates="closures")

    __table_args__ = (
        sa.CheckConstraint("kind IN ('season','other')", name="kind_known"),
        sa.CheckConstraint("yearly OR \"end\" >= start", name="ends_after_start"),
    )


class Departure(Model):
    """One departure of a line, with the weight and volume booked on it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(sa.ForeignKey("express_line.id"), index=True)
    departs_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    booked_kg: Mapped[Decimal] = mapped_column(sa.Numeric(10, 3), default=Decimal("0"))
    booked_m3: Mapped[Decimal] = mapped_column(sa.Numeric(10, 4), default=Decimal("0"))
    status: Mapped[str] = mapped_column(sa.String(16), default="scheduled")

    line: Mapped[ExpressLine] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("line_id", "departs_at", name="uq_departure_line_time"),
        sa.CheckConstraint("booked_kg >= 0 AND booked_m3 >= 0", name="booked_not_negative"),
    )


ORDER_STATUSES = _values(OrderStatus)
SHIPMENT_STATUSES = _values(ShipmentStatus)
PAYMENT_STATUSES = _values(PaymentStatus)


class Order(Model):
    """A buyer's order, with prices, rate and shipping frozen when placed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(24), unique=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    lang: Mapped[str] = mapped_column(sa.String(5), default="en")
    status: Mapped[str] = mapped_column(sa.String(20), default="pending_payment", index=True)
    flow: Mapped[str] = mapped_column(sa.String(8))  # import | export
    payment_method: Mapped[str] = mapped_column(sa.String(16))
    currency: Mapped[str] = mapped_column(sa.String(3))
    exchange_rate: Mapped[Decimal] = mapped_column(Rate)  # units of currency per 1 CNY
    goods_cny: Mapped[Decimal] = mapped_column(Money)
    shipping_cny: Mapped[Decimal] = mapped_column(Money)
    tax_cny: Mapped[Decimal] = mapped_column(Money)
    total_cny: Mapped[Decimal] = mapped_column(Money)
    ship_name: Mapped[str] = mapped_column(sa.String(120))
    ship_phone: Mapped[str] = mapped_column(sa.String(32))
    ship_country: Mapped[str] = mapped_column(sa.String(2), index=True)
    ship_city: Mapped[str] = mapped_column(sa.String(80))
    ship_address: Mapped[str] = mapped_column(sa.String(300))
    ship_postcode: Mapped[str] = mapped_column(sa.String(16), default="")
    ship_address_latin: Mapped[str] = mapped_column(sa.String(600), default="")
    id_name: Mapped[str | None] = mapped_column(sa.String(60))
    id_number: Mapped[str | None] = mapped_column(sa.String(18), index=True)
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    payment_deadline: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    placed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    paid_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    # Cash on delivery: what the courier collects, in the destination's cash, fixed when placed.
    cod_currency: Mapped[str | None] = mapped_column(sa.String(3))
    cod_rate: Mapped[Decimal | None] = mapped_column(Rate)  # units of cod_currency per 1 CNY
    cod_amount: Mapped[Decimal | None] = mapped_column(Money)

    user: Mapped[User | None] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(back_populates="order", cascade="all, delete-orphan")
    shipments: Mapped[list[Shipment]] = relationship(back_populates="order", cascade="all, delete-orphan")
    payments: Mapped[list[Payment]] = relationship(back_populates="order")
    discount_redemption: Mapped[DiscountRedemption | None] = relationship(back_populates="order", uselist=False)

    __table_args__ = (
        _one_of("status", ORDER_STATUSES, "status_known"),
        sa.CheckConstraint("flow IN ('import','export')", name="flow_known"),
        sa.CheckConstraint("payment_method IN ('stripe','cod')", name="payment_method_known"),
        sa.CheckConstraint("goods_cny >= 0 AND shipping_cny >= 0 AND tax_cny >= 0 AND total_cny >= 0",
                           name="amounts_not_negative"),
    )

    def total_in_currency(self) -> Decimal:
        return money.round_amount(self.total_cny * self.exchange_rate, self.currency)

    def cash_due(self) -> tuple[Decimal, str]:
        """What the courier collects for a cash-on-delivery order: (amount, currency). Orders
        placed before the amount was fixed in local cash collect their total as shown."""
        if self.cod_amount is not None and self.cod_currency:
            return Decimal(self.cod_amount), self.cod_currency
        return self.total_in_currency(), self.currency


class Shipment(Model):
    """The part of an order that travels on one express line departure."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("order.id", ondelete="CASCADE"), index=True)
    line_id: Mapped[int] = mapped_column(sa.ForeignKey("express_line.id"), index=True)
    departure_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departure.id"), index=True)
    waybill: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    chargeable_weight_g: Mapped[int] = mapped_column()
    cost_cny: Mapped[Decimal] = mapped_column(Money)
    delivery_earliest: Mapped[dt.date] = mapped_column(sa.Date)
    delivery_latest: Mapped[dt.date] = mapped_column(sa.Date)

    order: Mapped[Order] = relationship(back_populates="shipments")
    line: Mapped[ExpressLine] = relationship()
    departure: Mapped[Departure | None] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(back_populates="shipment")

    __table_args__ = (_one_of("status", SHIPMENT_STATUSES, "status_known"),)


class OrderLine(Model):
    """One product on an order, at the price frozen when placed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("order.id", ondelete="CASCADE"), index=True)
    shipment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shipment.id"), index=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id"), index=True)
    sku: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(200))
    quantity: Mapped[int] = mapped_column()
    unit_price_cny: Mapped[Decimal] = mapped_column(Money)

    order: Mapped[Order] = relationship(back_populates="lines")
    shipment: Mapped[Shipment | None] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()
    allocations: Mapped[list[Allocation]] = relationship(back_populates="order_line", cascade="all, delete-orphan")

    __table_args__ = (sa.CheckConstraint("quantity > 0", name="quantity_positive"),)


class Allocation(Model):
    """How much of an order line is taken from which lot."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_line_id: Mapped[int] = mapped_column(sa.ForeignKey("order_line.id", ondelete="CASCADE"), index=True)
    lot_id: Mapped[int] = mapped_column(sa.ForeignKey("lot.id"), index=True)
    quantity: Mapped[int] = mapped_column()

    order_line: Mapped[OrderLine] = relationship(back_populates="allocations")
    lot: Mapped[Lot] = relationship()

    __table_args__ = (sa.CheckConstraint("quantity > 0", name="quantity_positive"),)


class Payment(Model):
    """A payment attempt: a Stripe PaymentIntent or cash on delivery."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("order.id"), index=True)
    provider: Mapped[str] = mapped_column(sa.String(16))
    provider_ref: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    status: Mapped[str] = mapped_column(sa.String(24), default="created")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    # A refund that failed: how often it was tried, what the provider said last, when to try again.
    refund_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    refund_error: Mapped[str | None] = mapped_column(sa.Text)
    refund_retry_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    order: Mapped[Order] = relationship(back_populates="payments")

    __table_args__ = (
        sa.CheckConstraint("amount_minor >= 0", name="amount_not_negative"),
        _one_of("status", PAYMENT_STATUSES, "status_known"),
    )


class WebhookEvent(Model):
    """A received provider event, stored once by its id so it is applied once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(sa.String(16))
    event_id: Mapped[str] = mapped_column(sa.String(120))
    type: Mapped[str] = mapped_column(sa.String(80))
    payload: Mapped[dict] = mapped_column(sa.JSON)
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    processed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (sa.UniqueConstraint("provider", "event_id", name="uq_webhook_event_provider_event"),)


class ExchangeRate(Model):
    """Units of `currency` for one CNY, as set by an admin on a date."""

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(sa.String(3))
    rate: Mapped[Decimal] = mapped_column(Rate)
    as_of: Mapped[dt.date] = mapped_column(sa.Date)

    __table_args__ = (
        sa.UniqueConstraint("currency", "as_of", name="uq_exchange_rate_currency_day"),
        sa.CheckConstraint("rate > 0", name="rate_positive"),
    )


class DutyRule(Model):
    """A destination's duty-free threshold and the duty above it (admin-edited)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(sa.String(2), unique=True)
    threshold: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(sa.String(3))
    rate: Mapped[Decimal] = mapped_column(sa.Numeric(6, 4))
    per: Mapped[str] = mapped_column(sa.String(8), default="parcel")
    basis: Mapped[str] = mapped_column(sa.String(8), default="excess", server_default="excess")
    valid_from: Mapped[dt.date | None] = mapped_column(sa.Date)
    note: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    __table_args__ = (
        sa.CheckConstraint("threshold >= 0 AND rate >= 0", name="not_negative"),
        sa.CheckConstraint("per IN ('parcel','month')", name="per_known"),
        sa.CheckConstraint("basis IN ('excess','full')", name="basis_known"),
    )


class CartItem(Model):
    """A signed-in buyer's cart line (guests keep theirs in the signed session)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id"))
    quantity: Mapped[int] = mapped_column()

    product: Mapped[Product] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("user_id", "product_id", name="uq_cart_item_user_product"),
        sa.CheckConstraint("quantity BETWEEN 1 AND 99", name="quantity_range"),
    )


class Address(Model):
    """A buyer's saved delivery address, with its Latin transliteration."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    phone: Mapped[str] = mapped_column(sa.String(32))
    country: Mapped[str] = mapped_column(sa.String(2))
    city: Mapped[str] = mapped_column(sa.String(80))
    address: Mapped[str] = mapped_column(sa.String(300))
    postcode: Mapped[str] = mapped_column(sa.String(16), default="")
    latin: Mapped[str] = mapped_column(sa.String(600), default="")
    # The one the checkout starts from; without one, the address used last.
    is_default: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class Wave(Model):
    """A fulfilment wave: the picking for one express-line departure."""

    id: Mapped[int] = mapped_column(primary_key=True)
    departure_id: Mapped[int] = mapped_column(sa.ForeignKey("departure.id"), unique=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    departure: Mapped[Departure] = relationship()


class OutboxMessage(Model):
    """An e-mail waiting to be sent (written in the same transaction as its cause)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    lang: Mapped[str] = mapped_column(sa.String(5), default="en")
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    # What to render at delivery (subject and body hold the text once sent), and the attempts so far.
    template: Mapped[str | None] = mapped_column(sa.String(64))
    params: Mapped[dict | None] = mapped_column(sa.JSON)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class AuditLog(Model):
    """Who changed what, for admins and customs."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(sa.String(64))
    entity: Mapped[str] = mapped_column(sa.String(64))
    entity_id: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class SearchDocument(Model):
    """A product's searchable text in one language, normalised (case-folded) for matching.

    SQLite indexes it with an FTS5 trigram table and PostgreSQL with a pg_trgm index,
    both made by the migrations (see shop/services/search.py).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(sa.String(5))
    body: Mapped[str] = mapped_column(sa.Text)

    __table_args__ = (sa.UniqueConstraint("product_id", "lang", name="uq_search_document_lang"),)


class OrderNote(Model):
    """A note staff keep on an order for each other; buyers never see it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("order.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    __table_args__ = (sa.CheckConstraint("length(body) BETWEEN 1 AND 2000", name="body_length"),)


class VariantGroup(Model):
    """One product as buyers see it, offered in variants: each a Product with its own SKU."""

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("merchant.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))  # the listing CSV's `product` column
    option_kinds: Mapped[list] = mapped_column(sa.JSON, default=list)  # e.g. ["packaging"]
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    variants: Mapped[list[Product]] = relationship(back_populates="variant_group", order_by="Product.id")

    __table_args__ = (sa.UniqueConstraint("merchant_id", "code", name="uq_variant_group_merchant_code"),)


DISCOUNT_KINDS = ("percent", "amount", "free_shipping")
DISCOUNT_SCOPES = ("all", "categories", "merchant", "listings")


class Discount(Model):
    """A discount code (kept upper case: codes are case-insensitive); its rules are shop.domain.discounts'."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    value: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    min_subtotal_cny: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    valid_from: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    valid_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    max_uses: Mapped[int | None] = mapped_column(sa.Integer)
    per_buyer: Mapped[int | None] = mapped_column(sa.Integer)
    used_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    scope: Mapped[str] = mapped_column(sa.String(12), default="all")
    category_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    product_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    scope_merchant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("merchant.id"))
    # The merchant who made the code in the portal (its scope is then its own listings); None: the shop's.
    owner_merchant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("merchant.id"), index=True)
    line_code: Mapped[str | None] = mapped_column(sa.String(32))  # free shipping on this line only
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    __table_args__ = (
        _one_of("kind", DISCOUNT_KINDS, "kind_known"),
        _one_of("scope", DISCOUNT_SCOPES, "scope_known"),
        sa.CheckConstraint("used_count >= 0 AND value >= 0 AND min_subtotal_cny >= 0", name="amounts_not_negative"),
        sa.CheckConstraint("max_uses IS NULL OR used_count <= max_uses", name="uses_within_limit"),
    )


class DiscountRedemption(Model):
    """One order's use of a code; `released_at` is set when the order was cancelled or expired."""

    id: Mapped[int] = mapped_column(primary_key=True)
    discount_id: Mapped[int] = mapped_column(sa.ForeignKey("discount.id"), index=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("order.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    id_number: Mapped[str | None] = mapped_column(sa.String(18), index=True)
    code: Mapped[str] = mapped_column(sa.String(32))
    goods_cny: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    shipping_cny: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    released_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)

    discount: Mapped[Discount] = relationship()
    order: Mapped[Order] = relationship(back_populates="discount_redemption")

    __table_args__ = (sa.CheckConstraint("goods_cny >= 0 AND shipping_cny >= 0", name="amounts_not_negative"),)

    @property
    def total_cny(self) -> Decimal:
        return Decimal(self.goods_cny) + Decimal(self.shipping_cny)


REFUND_STATUSES = ("pending", "succeeded", "failed")
REFUND_METHODS = ("stripe", "cash", "bank_transfer", "other")


class Refund(Model):
    """Money given back on an order, in full or in part: its amount in the currency paid, the goods and
    taxes it covers (in yuan), the lines and units, how it was paid out and who decided it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("order.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payment.id"))
    return_id: Mapped[int | None] = mapped_column(sa.ForeignKey("return_request.id"))
    kind: Mapped[str] = mapped_column(sa.String(8))  # full | lines | amount
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(sa.String(3))
    amount_cny: Mapped[Decimal] = mapped_column(Money)
    goods_cny: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    tax_cny: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    lines: Mapped[list] = mapped_column(sa.JSON, default=list)  # [{"line_id", "sku", "quantity"}]
    method: Mapped[str] = mapped_column(sa.String(16))
    reference: Mapped[str] = mapped_column(sa.String(120), default="")
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.Text)
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    order: Mapped[Order] = relationship()

    __table_args__ = (
        sa.CheckConstraint("amount > 0 AND amount_cny >= 0 AND goods_cny >= 0 AND tax_cny >= 0",
                           name="amounts_valid"),
        sa.CheckConstraint("kind IN ('full','lines','amount')", name="kind_known"),
        _one_of("status", REFUND_STATUSES, "status_known"),
        _one_of("method", REFUND_METHODS, "method_known"),
    )


RETURN_STATUSES = ("requested", "approved", "refused", "received")


class ReturnRequest(Model):
    """A buyer's request to send goods back, staff's answer, and what arrived at the zone."""

    __tablename__ = "return_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("order.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(sa.String(16), default="requested")
    reason: Mapped[str] = mapped_column(sa.String(500))
    staff_message: Mapped[str] = mapped_column(sa.String(1000), default="")
    # The customs entries of the lots the goods came from (a CBEC import return keeps its declaration).
    customs_reference: Mapped[str] = mapped_column(sa.String(200), default="")
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    decided_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    received_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    received_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    order: Mapped[Order] = relationship()
    lines: Mapped[list[ReturnLine]] = relationship(back_populates="request", cascade="all, delete-orphan",
                                                   order_by="ReturnLine.id")

    __table_args__ = (_one_of("status", RETURN_STATUSES, "status_known"),)


class ReturnLine(Model):
    """Units of one order line asked back, and the condition they arrived in."""

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(sa.ForeignKey("return_request.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[int] = mapped_column(sa.ForeignKey("order_line.id"))
    quantity: Mapped[int] = mapped_column()
    condition: Mapped[str | None] = mapped_column(sa.String(16))  # saleable | damaged, once received

    request: Mapped[ReturnRequest] = relationship(back_populates="lines")
    order_line: Mapped[OrderLine] = relationship()

    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("condition IS NULL OR condition IN ('saleable','damaged')", name="condition_known"),
    )


class OperatorToken(Model):
    """A bearer token for the operator of one express line (tracking events); only its hash is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(sa.ForeignKey("express_line.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    revoked: Mapped[bool] = mapped_column(sa.Boolean, default=False)

    line: Mapped[ExpressLine] = relationship()


CARRIER_STATUSES = _values(CarrierStatus)


class ShipmentEvent(Model):
    """What happened to a parcel after it left the zone, as its line's operator (or staff) reported it;
    one row per (parcel, status, moment), so a repeated report is the same event."""

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipment.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    place: Mapped[str] = mapped_column(sa.String(120), default="")
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    token_id: Mapped[int | None] = mapped_column(sa.ForeignKey("operator_token.id"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    shipment: Mapped[Shipment] = relationship(
        backref=backref("events", order_by="[ShipmentEvent.at, ShipmentEvent.id]",
                               cascade="all, delete-orphan", passive_deletes=True))

    __table_args__ = (
        sa.UniqueConstraint("shipment_id", "status", "at", name="uq_shipment_event_status_at"),
        _one_of("status", CARRIER_STATUSES, "status_known"),
    )


class ProductImage(Model):
    """A photo of a listing: the cleaned original in media storage and its WebP renditions.

    `alt` holds the picture's description per language; `renditions` lists the narrower copies
    the worker has made ({"width", "key"}), empty until it has."""

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(20))
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    byte_size: Mapped[int] = mapped_column()
    alt: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    renditions: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    product: Mapped[Product] = relationship(back_populates="images")

    __table_args__ = (sa.CheckConstraint("width > 0 AND height > 0", name="size_positive"),)


class SearchWord(Model):
    """A word of four letters or more seen in a search document: the spelling vocabulary a
    mistyped query word is corrected towards (shop/services/search.py). Kept in code-point
    order on PostgreSQL too, so a prefix is a range of it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(
        sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql"), unique=True)
