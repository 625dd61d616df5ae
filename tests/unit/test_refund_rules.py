"""The refund and return rules on their own: taxes follow the goods, amounts typed by staff, units left,
and the return window."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shop.domain import orders
from shop.domain.refunds import (
    Line,
    RefundRefused,
    amount_from_text,
    lines_refund,
    parse_quantities,
    return_window_open,
    tax_share,
    units_left,
)

LINES = [Line(1, "TEA", 3, Decimal("35.00")), Line(2, "HONEY", 1, Decimal("66.00"))]


def test_taxes_go_back_in_the_share_of_the_goods():
    assert tax_share(Decimal("66"), Decimal("171"), Decimal("15.56")) == Decimal("6.01")
    assert tax_share(Decimal("171"), Decimal("171"), Decimal("15.56")) == Decimal("15.56")
    assert tax_share(Decimal("500"), Decimal("171"), Decimal("15.56")) == Decimal("15.56")  # never above
    assert tax_share(Decimal("10"), Decimal("171"), Decimal("0")) == Decimal("0.00")


def test_a_lines_refund_counts_units_left_after_earlier_refunds():
    split = lines_refund(LINES, {1: 2}, {}, Decimal("171"), Decimal("15.56"))
    assert (split.goods_cny, split.tax_cny, split.units) == (Decimal("70.00"), Decimal("6.37"), {1: 2})
    with pytest.raises(RefundRefused) as refused:
        lines_refund(LINES, {1: 2}, {1: 2}, Decimal("171"), Decimal("15.56"))
    assert (refused.value.code, refused.value.params) == ("too_many_units", {"sku": "TEA", "most": 1})
    for chosen, code in (({}, "nothing_chosen"), ({1: 0}, "nothing_chosen"), ({9: 1}, "unknown_line"),
                         ({1: -1}, "bad_quantity")):
        with pytest.raises(RefundRefused) as refused:
            lines_refund(LINES, chosen, {}, Decimal("171"), Decimal("15.56"))
        assert refused.value.code == code
    assert units_left(LINES, {1: 1, 2: 5}) == {1: 2, 2: 0}


@pytest.mark.parametrize("text,currency,amount", [("12.50", "CNY", "12.50"), ("12,5", "RUB", "12.50"),
                                                   (" 7 ", "USD", "7.00"), ("1 000", "PKR", "1000.00")])
def test_amounts_typed_by_staff(text, currency, amount):
    assert amount_from_text(text, currency) == Decimal(amount)


@pytest.mark.parametrize("text", ["0", "-1", "0.001", "1e3", "NaN", "inf", "１２", "", "12.5.1", "9" * 13, "1/2"])
def test_amounts_that_are_refused(text):
    with pytest.raises(RefundRefused):
        amount_from_text(text, "CNY")


def test_quantities_from_a_form():
    assert parse_quantities({1: "2", 2: "", 3: "0"}) == {1: 2}
    for bad in ("-1", "1.5", "x", "1234567"):
        with pytest.raises(RefundRefused):
            parse_quantities({1: bad})


def test_the_return_window_opens_at_delivery_and_closes_after_the_days():
    delivered = dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)
    assert return_window_open(delivered, delivered + dt.timedelta(days=14), 14)
    assert not return_window_open(delivered, delivered + dt.timedelta(days=14, seconds=1), 14)
    assert not return_window_open(delivered, delivered - dt.timedelta(hours=1), 14)
    assert not return_window_open(None, delivered, 14)


@pytest.mark.parametrize("cod", [False, True])
def test_after_delivery_money_goes_back_in_part_or_whole_and_goods_come_back(cod):
    S, E = orders.OrderStatus, orders.OrderEvent
    assert orders.next_status(S.DELIVERED, E.PARTIAL_REFUND, cash_on_delivery=cod) is S.PARTIALLY_REFUNDED
    assert orders.next_status(S.PARTIALLY_REFUNDED, E.REFUND, cash_on_delivery=cod) is S.REFUNDED
    assert orders.next_status(S.PARTIALLY_REFUNDED, E.RETURN, cash_on_delivery=cod) is S.RETURNED
    assert orders.next_status(S.RETURNED, E.REFUND, cash_on_delivery=cod) is S.RETURNED
    assert not orders.can(S.SHIPPED, E.PARTIAL_REFUND, cash_on_delivery=cod)
    assert not orders.can(S.PACKED, E.RETURN, cash_on_delivery=cod)
    assert not orders.transition(S.DELIVERED, E.PARTIAL_REFUND, cash_on_delivery=cod).releases_stock
