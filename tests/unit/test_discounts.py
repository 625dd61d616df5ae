"""Discount rules: whether a code applies, to which lines, and how much it takes off."""
import datetime as dt
from decimal import Decimal

import pytest

from shop.domain.discounts import (
    CartLine,
    Discount,
    DiscountRefused,
    ShipmentCost,
    check,
    goods_discounts,
    normalise_code,
    shipping_discount,
)

NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)
BREAD = CartLine(1, "BREAD", category_id=10, merchant_id=100, unit_price_cny=Decimal("18.00"), quantity=3)
CREAM = CartLine(2, "CREAM", category_id=20, merchant_id=200, unit_price_cny=Decimal("128.00"), quantity=1)
HONEY = CartLine(3, "HONEY", category_id=10, merchant_id=200, unit_price_cny=Decimal("66.00"), quantity=1)


def refusal(discount, lines=(BREAD,), **uses) -> str:
    with pytest.raises(DiscountRefused) as caught:
        check(discount, lines, NOW, **uses)
    return caught.value.code


def test_codes_are_kept_upper_case_and_odd_input_is_no_code():
    assert normalise_code("  welcome10 ") == "WELCOME10"
    assert normalise_code("WEL\x00COME") == "" and normalise_code("ab") == "" and normalise_code(12) == ""
    assert normalise_code("x" * 40) == ""


def test_each_reason_a_code_cannot_be_used():
    percent = Discount("WELCOME10", "percent", Decimal(10))
    assert refusal(Discount("OFF", "percent", Decimal(10), active=False)) == "unknown"
    assert refusal(Discount("SOON", "percent", Decimal(10), valid_from=NOW + dt.timedelta(seconds=1))) == "not_yet_valid"
    assert refusal(Discount("OLD", "percent", Decimal(10), valid_until=NOW - dt.timedelta(seconds=1))) == "expired"
    assert refusal(Discount("FEW", "percent", Decimal(10), max_uses=5), uses=5) == "used_up"
    assert refusal(Discount("ONCE", "percent", Decimal(10), per_buyer=1), buyer_uses=1) == "already_used"
    assert refusal(Discount("BIG", "percent", Decimal(10), min_subtotal_cny=Decimal("54.01"))) == "minimum_not_reached"
    assert refusal(Discount("CAT", "percent", Decimal(10), scope="categories", category_ids=frozenset({20}))) \
        == "not_for_these_items"
    assert check(percent, (BREAD,), NOW, uses=4) == (BREAD,)


def test_the_minimum_counts_only_the_lines_in_scope():
    code = Discount("M200", "amount", Decimal(20), scope="merchant", merchant_id=200, min_subtotal_cny=Decimal(150))
    assert refusal(code, (BREAD, CREAM)) == "minimum_not_reached"  # 54 of bread does not count
    assert check(code, (BREAD, CREAM, HONEY), NOW) == (CREAM, HONEY)


def test_the_last_day_is_good_until_its_end_and_the_first_from_its_start():
    code = Discount("DAY", "percent", Decimal(5), valid_from=NOW, valid_until=NOW)
    assert check(code, (BREAD,), NOW) == (BREAD,)


def test_percent_rounds_each_line_half_up_to_the_fen():
    code = Discount("P", "percent", Decimal("12.5"))
    odd = CartLine(9, "ODD", None, None, Decimal("0.20"), 1)  # 0.025 -> 0.03
    assert goods_discounts(code, (BREAD, odd)) == {"BREAD": Decimal("6.75"), "ODD": Decimal("0.03")}


def test_a_fixed_amount_is_shared_by_value_and_never_exceeds_the_goods():
    code = Discount("A", "amount", Decimal("10.00"))
    parts = goods_discounts(code, (BREAD, CREAM, HONEY))  # 54 + 128 + 66 = 248
    assert sum(parts.values()) == Decimal("10.00")
    assert parts["CREAM"] > parts["HONEY"] > parts["BREAD"]
    assert goods_discounts(Discount("A", "amount", Decimal(500)), (BREAD,)) == {"BREAD": Decimal("54.00")}
    three = [CartLine(n, f"S{n}", None, None, Decimal("1.00"), 1) for n in range(3)]
    assert sum(goods_discounts(Discount("A", "amount", Decimal("1.00")), three).values()) == Decimal("1.00")


def test_free_shipping_on_one_line_or_all_and_only_for_goods_in_scope():
    shipments = [ShipmentCost("KHG-AIR", ("BREAD",), Decimal("45.00")),
                 ShipmentCost("KHG-MOW-TRUCK", ("CREAM", "HONEY"), Decimal("31.00"))]
    everywhere = Discount("SHIP", "free_shipping")
    assert shipping_discount(everywhere, shipments, (BREAD, CREAM, HONEY)) == Decimal("76.00")
    truck = Discount("TRUCK", "free_shipping", line_code="KHG-MOW-TRUCK")
    assert shipping_discount(truck, shipments, (BREAD, CREAM, HONEY)) == Decimal("31.00")
    # A merchant's code does not pay for the parcel that also carries another merchant's goods.
    assert shipping_discount(everywhere, shipments, (CREAM,)) == Decimal("0.00")
    assert goods_discounts(everywhere, (BREAD,)) == {}
