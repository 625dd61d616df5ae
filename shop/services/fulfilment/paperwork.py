"""The data of the printed papers: a departure's manifest for the carrier and customs, and an
import order's three customs records."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from shop.database import aware
from shop.domain import money
from shop.models import Departure, Order
from shop.services.fulfilment.errors import WrongStatus
from shop.services.fulfilment.lookups import departure_shipments, get_departure, get_order
from shop.services.fulfilment.parcels import goods_value_cny, goods_weight_g, product_name

KASHGAR_CLOCK = ZoneInfo("Asia/Shanghai")  # the zone works on Beijing time, as the express lines do


@dataclass(frozen=True)
class ManifestParcel:
    waybill: str
    order_number: str
    consignee: str
    consignee_latin: str
    country: str
    city: str
    city_latin: str
    hs_codes: tuple[str, ...]
    origin_countries: tuple[str, ...]
    pieces: int
    weight_g: int
    chargeable_weight_g: int
    declared_value_cny: Decimal
    status: str
    address: str = ""  # as the buyer typed it
    address_latin: str = ""  # the whole address in Latin letters, as the buyer corrected it
    crosses_border: bool = True  # leaves China: carriers and customs abroad read the Latin form

    def as_row(self, line_code: str, departs_at: dt.datetime) -> dict[str, object]:
        return {"waybill": self.waybill, "order_number": self.order_number, "line": line_code,
                "departure": departs_at.astimezone(KASHGAR_CLOCK).isoformat(), "consignee": self.consignee_latin,
                "destination_country": self.country, "destination_city": self.city_latin,
                "address_latin": self.address_latin,
                "hs_codes": list(self.hs_codes), "origin_countries": list(self.origin_countries),
                "pieces": self.pieces, "weight_kg": (Decimal(self.weight_g) / 1000).quantize(Decimal("0.001")),
                "chargeable_weight_kg": (Decimal(self.chargeable_weight_g) / 1000).quantize(Decimal("0.001")),
                "declared_value_cny": self.declared_value_cny}


MANIFEST_COLUMNS = ("waybill", "order_number", "line", "departure", "consignee", "destination_country",
                    "destination_city", "hs_codes", "origin_countries", "pieces", "weight_kg",
                    "chargeable_weight_kg", "declared_value_cny", "address_latin")


@dataclass(frozen=True)
class Manifest:
    departure: Departure
    parcels: tuple[ManifestParcel, ...]

    @property
    def weight_g(self) -> int:
        return sum(p.weight_g for p in self.parcels)

    @property
    def declared_value_cny(self) -> Decimal:
        return sum((p.declared_value_cny for p in self.parcels), Decimal(0))

    def rows(self) -> list[dict[str, object]]:
        departs_at = aware(self.departure.departs_at)
        return [p.as_row(self.departure.line.code, departs_at) for p in self.parcels]


def manifest(departure_id: int) -> Manifest:
    """The departure's parcels that have a waybill number (packed or gone), for the carrier and customs."""
    from shop.services.addresses import latin, latin_block, routing_city

    departure = get_departure(departure_id)
    parcels = []
    for shipment in departure_shipments(departure_id):
        if not shipment.waybill:
            continue
        order = shipment.order
        products = [line.product for line in shipment.lines]
        parcels.append(ManifestParcel(
            waybill=shipment.waybill, order_number=order.number, consignee=order.ship_name,
            consignee_latin=latin(order.ship_name), country=order.ship_country, city=order.ship_city,
            city_latin=routing_city(order.ship_city), hs_codes=tuple(sorted({p.hs_code for p in products})),
            origin_countries=tuple(sorted({p.origin_country for p in products})),
            pieces=sum(line.quantity for line in shipment.lines), weight_g=goods_weight_g(shipment.lines),
            chargeable_weight_g=shipment.chargeable_weight_g, declared_value_cny=goods_value_cny(shipment.lines),
            status=shipment.status, address=order.ship_address,
            address_latin=order.ship_address_latin or latin_block(_address_values(order)),
            crosses_border=crosses_border(order)))
    return Manifest(departure, tuple(parcels))


def crosses_border(order: Order) -> bool:
    """Whether the order's parcels leave China (an export): then labels and manifests print the
    address in Latin letters beside the buyer's own script. An import into China is cleared in
    the zone and travels on as a domestic parcel, in Chinese."""
    return order.flow == "export" or order.ship_country != "CN"


def _address_values(order: Order) -> dict[str, str]:
    return {"name": order.ship_name, "address": order.ship_address, "city": order.ship_city,
            "postcode": order.ship_postcode or "", "country": order.ship_country}


def customs_order(number: str) -> Order:
    """An import order, for its three customs documents (order, payment and waybill records)."""
    order = get_order(number)
    if order.flow != "import":
        raise WrongStatus(order.number, order.flow, "customs")
    return order


def _discount_record(order: Order) -> dict[str, object]:
    """The order's discount code and what it took off (the goods' part lowers the value declared)."""
    redemption = order.discount_redemption
    if redemption is None:
        return {"discount_code": None, "discount_cny": Decimal(0)}
    return {"discount_code": redemption.code, "discount_cny": redemption.total_cny}


def customs_records(order: Order, id_number_shown: str, lang: str = "zh") -> dict[str, object]:
    """The three documents' data: order record, payment record, waybill records (amounts in CNY); product
    names in `lang` beside the name the buyer ordered under."""
    paid = [p for p in order.payments if p.status == "succeeded"]
    return {
        "order": {
            "order_number": order.number, "placed_at": aware(order.placed_at), "flow": order.flow,
            "buyer_name": order.id_name, "buyer_id_number": id_number_shown, "buyer_phone": order.ship_phone,
            "consignee": order.ship_name, "address": order.ship_address, "city": order.ship_city,
            "postcode": order.ship_postcode, "country": order.ship_country,
            "items": [{"sku": line.sku, "name": product_name(line, lang), "name_on_order": line.name,
                       "hs_code": line.product.hs_code,
                       "origin_country": line.product.origin_country, "quantity": line.quantity,
                       "unit_price_cny": money.round_amount(line.unit_price_cny),
                       "total_cny": money.round_amount(Decimal(line.unit_price_cny) * line.quantity)}
                      for line in order.lines],
            "goods_cny": Decimal(order.goods_cny), "shipping_cny": Decimal(order.shipping_cny),
            "tax_cny": Decimal(order.tax_cny), "total_cny": Decimal(order.total_cny),
            **_discount_record(order),
        },
        "payment": {
            "order_number": order.number, "method": order.payment_method,
            "payer_name": order.id_name, "payer_id_number": id_number_shown,
            "paid_at": aware(order.paid_at), "amount_cny": Decimal(order.total_cny),
            "currency": order.currency, "amount_in_currency": order.total_in_currency(),
            "references": [p.provider_ref for p in paid if p.provider_ref],
        },
        "waybills": [
            {"waybill": s.waybill, "line": s.line.code,
             "departure": aware(s.departure.departs_at) if s.departure else None,
             "consignee": order.ship_name, "address": order.ship_address, "city": order.ship_city,
             "country": order.ship_country, "pieces": sum(line.quantity for line in s.lines),
             "weight_kg": (Decimal(goods_weight_g(s.lines)) / 1000).quantize(Decimal("0.001")),
             "status": s.status}
            for s in order.shipments if s.status != "cancelled"],
    }
