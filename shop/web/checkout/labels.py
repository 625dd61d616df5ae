"""Words buyers read for the order's codes: statuses, payment methods, shipping labels."""
from flask_babel import lazy_gettext as _l

from shop.i18n import current_language
from shop.web.labels import CARRIER_STATUS, ORDER_STATUS, label  # noqa: F401  (re-exported for the templates)
from shop.web.templating import money, price  # noqa: F401
from shop.web.words import country_name as _country_name

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
    """The country's name in the page's language."""
    return _country_name(code, current_language())
