"""The words the desk shows for codes (statuses, payment methods) and for the refusals of its services."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from shop.domain.orders import IllegalTransition
from shop.i18n import HTML_LANG, current_language
from shop.services import documents
from shop.services import fulfilment as desk
from shop.web import words
from shop.web.labels import ORDER_STATUS  # noqa: F401  (used by the desk templates)
from shop.web.words import country_name

SHIPMENT_STATUS = {
    "pending": _l("Not in a wave yet"),
    "picking": _l("Being picked"),
    "packed": _l("Packed"),
    "shipped": _l("Shipped"),
    "delivered": _l("Delivered"),
    "cancelled": _l("Cancelled"),
}
WAVE_STATUS = {"open": _l("Open"), "shipped": _l("Shipped")}
PAYMENT_METHOD = {"stripe": _l("Paid online"), "cod": _l("Cash on delivery")}
FLOW = {"import": _l("Import into China (1210)"), "export": _l("Export")}


def status_name(table: dict, code: str | None) -> str:
    value = table.get(code or "")
    return str(value) if value is not None else (code or "")


def refusal(error: Exception) -> str:
    """A staff member's explanation of why the desk refused an action (nothing was changed)."""
    if isinstance(error, desk.NothingToPick):
        return _("No paid or confirmed order leaves on this departure yet: there is nothing to pick.")
    if isinstance(error, desk.NotInWave):
        return _("Order %(number)s is not in this wave.", number=error.order_number)
    if isinstance(error, desk.NotPicked):
        return _("Confirm the picking of order %(number)s before packing it.", number=error.order_number)
    if isinstance(error, desk.NotPacked):
        return _("Order %(number)s has no waybill number yet: pack it first.", number=error.order_number)
    if isinstance(error, desk.NothingAllocated):
        return _("Order %(number)s has no stock allocated to this parcel: there is nothing to pick.",
                 number=error.order_number)
    if isinstance(error, desk.LotQuarantined):
        return _("Lot %(lot)s is in customs quarantine: order %(number)s cannot be picked from it.",
                 lot=error.lot_number, number=error.order_number)
    if isinstance(error, desk.StockMismatch):
        return _("Lot %(lot)s no longer holds the stock reserved for order %(number)s: check the lot first.",
                 lot=error.lot_number, number=error.order_number)
    if isinstance(error, desk.WrongStatus):
        status = status_name(ORDER_STATUS, error.status)
        if error.action == "pick":
            return _("Order %(number)s cannot be picked (status: %(status)s).", number=error.order_number,
                     status=status)
        if error.action == "pack":
            return _("Order %(number)s cannot be packed (status: %(status)s).", number=error.order_number,
                     status=status)
        if error.action == "deliver":
            return _("The delivery of order %(number)s cannot be recorded (status: %(status)s).",
                     number=error.order_number, status=status)
        if error.action == "customs":
            return _("Order %(number)s is an export: the three customs documents are for imports into China.",
                     number=error.order_number)
    if isinstance(error, IllegalTransition):
        return _("This step is not allowed for the order (status: %(status)s).",
                 status=status_name(ORDER_STATUS, error.status.value))
    return _("That action is not allowed here.")


def kg(grams: int | None) -> str:
    """A weight in kilograms in the page's locale (three decimals at most)."""
    return format_decimal((Decimal(grams or 0) / 1000).quantize(Decimal("0.001")), format="#,##0.###")


def when(moment) -> Markup:
    """A date and time in Kashgar time (the app's time zone), in the page's locale, isolated for bidi."""
    if moment is None:
        return Markup("")
    moment = desk.aware(moment)
    return Markup("<bdi>{}</bdi>").format(words.moment(moment))


def day(value) -> str:
    return format_date(value, "medium") if value is not None else ""


def script_lang(lang: str | None) -> str:
    """The BCP 47 tag for text written in a shop language (so Chinese gets Simplified glyphs)."""
    return HTML_LANG.get(lang or "", "und")


def code(text) -> Markup:
    """A number or code inside a sentence, kept left to right in its own monospaced run."""
    return Markup('<span class="code">{}</span>').format(text)


def template_helpers() -> dict:
    return {
        "code": code,
        "barcode": documents.barcode_svg, "order_status": lambda c: status_name(ORDER_STATUS, c),
        "shipment_status": lambda c: status_name(SHIPMENT_STATUS, c), "wave_status": lambda c: status_name(
            WAVE_STATUS, c), "payment_method": lambda c: status_name(PAYMENT_METHOD, c),
        "flow_name": lambda c: status_name(FLOW, c), "kg": kg, "when": when, "day": day,
        "country": lambda code: country_name(code, current_language()), "script_lang": script_lang,
        "product_name": desk.product_name, "goods_weight_g": desk.goods_weight_g,
        "goods_value_cny": desk.goods_value_cny, "mask_id": documents.mask_id_number,
    }
