"""Words buyers read for the order's codes: statuses, payment methods, shipping labels."""
from decimal import Decimal

from babel.numbers import format_currency
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from shop.i18n import BABEL_LOCALE, current_language
from shop.services import pricing

ORDER_STATUS = {
    "pending_payment": _l("Awaiting payment"),
    "confirmed": _l("Confirmed"),
    "paid": _l("Paid"),
    "picking": _l("Being picked"),
    "packed": _l("Packed"),
    "shipped": _l("Shipped"),
    "delivered": _l("Delivered"),
    "cancelled": _l("Cancelled"),
    "refunded": _l("Refunded"),
}
PAYMENT_METHOD = {"stripe": _l("Card"), "cod": _l("Cash on delivery")}
PAYMENT_STATUS = {
    "created": _l("Waiting for payment"),
    "failed": _l("Declined"),
    "succeeded": _l("Paid"),
    "refund_pending": _l("Refund in progress"),
    "refunded": _l("Refunded"),
    "canceled": _l("Cancelled"),
}
SHIPMENT_STATUS = {
    "pending": _l("Waiting for its departure"),
    "picking": _l("Being picked"),
    "packed": _l("Packed"),
    "shipped": _l("On its way"),
    "delivered": _l("Delivered"),
    "cancelled": _l("Cancelled"),
}
OPTION_LABEL = {"recommended": _l("Recommended"), "fastest": _l("Fastest"), "cheapest": _l("Cheapest")}
TAX_KIND = {
    "import": _l("Import VAT and consumption tax (cross-border retail rate)"),
    "export": _l("Import duty at the destination"),
}
WALLET = {"card": _l("Card"), "alipay": _l("Alipay"), "wechat_pay": _l("WeChat Pay")}


def country_name(code: str) -> str:
    """The country's name in the page's language (Babel's territory names)."""
    locale = get_locale()
    return (locale.territories.get(code) if locale else None) or code


def label(table: dict, code: str) -> str:
    value = table.get(code)
    return str(value) if value is not None else code


def money(amount, currency: str = "CNY") -> str:
    """An amount in `currency`, formatted by Babel for the page's language."""
    if amount is None:
        return ""
    return format_currency(Decimal(amount), currency, locale=BABEL_LOCALE[current_language()])


def price(amount_cny) -> str:
    """A CNY amount shown in the buyer's currency at today's rate."""
    currency = pricing.buyer_currency(current_language())
    return money(pricing.convert(amount_cny, currency), currency)
