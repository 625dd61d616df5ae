"""The product page's choice of variant: each sibling SKU with its label, price, stock and
delivery promise, for radio buttons that work without JavaScript (and a script that follows them)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import render_template_string, url_for

from shop.services import catalogue, variants
from shop.services.context import BuyerContext
from shop.web.storefront.display import stock_state
from shop.web.storefront.promise import product_promise
from shop.web.words import option_name

_PRICE = ('{% from "storefront/_macros.html" import price_tag with context %}{{ price_tag(amount) }}')


@dataclass(frozen=True)
class VariantView:
    sku: str
    label: str
    name: str
    url: str
    stock: int
    stock_kind: str
    stock_words: str
    price_html: str
    promise: str


@dataclass(frozen=True)
class VariantChoice:
    legend: str
    options: list[VariantView]

    @property
    def any_in_stock(self) -> bool:
        return any(v.stock > 0 for v in self.options)

    def chosen(self, sku: str) -> str | None:
        """The radio checked at first: the page's own variant, else the first one in stock."""
        for view in self.options:
            if view.sku == sku and view.stock > 0:
                return sku
        return next((v.sku for v in self.options if v.stock > 0), None)


def variant_choice(product, ctx: BuyerContext) -> VariantChoice | None:
    """The variants to choose from on `product`'s page, or None when it has no siblings."""
    family = variants.family(product)
    if family is None:
        return None
    stock = catalogue.stock_available([m.id for m in family.members])
    views = []
    for member in family.members:
        text = member.text(ctx.lang)
        kind, words = stock_state(stock.get(member.id, 0))
        promise = product_promise(member, ctx)
        views.append(VariantView(
            sku=member.sku, label=variants.variant_label(member, ctx.lang) or member.sku,
            name=text.name if text else member.sku,
            url=url_for("storefront.product", lang=ctx.lang, slug=text.slug) if text else "",
            stock=stock.get(member.id, 0), stock_kind=kind, stock_words=str(words),
            price_html=str(render_template_string(_PRICE, amount=member.price_cny)),
            promise=promise.headline if promise else ""))
    return VariantChoice(" / ".join(option_name(kind) for kind in family.kinds), views)
