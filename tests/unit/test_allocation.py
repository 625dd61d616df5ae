"""FEFO allocation of order lines to bonded lots."""

from copy import deepcopy
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop.domain.allocation import (
    Allocation,
    CustomsStatus,
    InsufficientStock,
    InvalidQuantity,
    LotStock,
    OrderLine,
    Shortage,
    allocate,
    usable_quantity,
)

TODAY = date(2026, 12, 1)
ARRIVAL = TODAY + timedelta(days=21)  # delivery plus margin, as the caller computes it


def lot(lot_id, sku="BREAD", available=10, expiry=None, status="bonded", bin="A-01-01"):
    return LotStock(lot_id, sku, available, expiry, bin, status)


def days(n):
    return ARRIVAL + timedelta(days=n)


def test_prefers_lot_expiring_first():
    later, sooner = lot("L1", expiry=days(60)), lot("L2", expiry=days(30))
    assert allocate([OrderLine("BREAD", 3)], [later, sooner], usable_after=ARRIVAL) == [
        Allocation("BREAD", "L2", 3)
    ]


def test_takes_lots_that_never_expire_last():
    assert allocate(
        [OrderLine("SOAP", 2)],
        [lot("L1", "SOAP", expiry=None), lot("L2", "SOAP", expiry=days(400))],
        usable_after=ARRIVAL,
    ) == [Allocation("SOAP", "L2", 2)]


def test_breaks_expiry_ties_by_lot_id():
    lots = [lot("L9", expiry=days(5)), lot("L3", expiry=days(5))]
    assert allocate([OrderLine("BREAD", 1)], lots, usable_after=ARRIVAL) == [
        Allocation("BREAD", "L3", 1)
    ]


def test_never_allocates_lot_expiring_before_delivery():
    lots = [lot("OLD", expiry=days(-1), available=50), lot("NEW", expiry=days(10), available=5)]
    assert allocate([OrderLine("BREAD", 5)], lots, usable_after=ARRIVAL) == [
        Allocation("BREAD", "NEW", 5)
    ]


def test_allocates_a_lot_expiring_on_the_day_it_must_still_be_good():
    assert allocate([OrderLine("BREAD", 1)], [lot("L1", expiry=ARRIVAL)], usable_after=ARRIVAL) == [
        Allocation("BREAD", "L1", 1)
    ]


def test_never_allocates_a_quarantined_lot():
    lots = [lot("Q", expiry=days(1), status="quarantined"), lot("OK", expiry=days(90))]
    assert allocate([OrderLine("BREAD", 2)], lots, usable_after=ARRIVAL) == [
        Allocation("BREAD", "OK", 2)
    ]


def test_allocates_bonded_and_released_lots_alike():
    lots = [lot("B", expiry=days(2), available=1), lot("R", expiry=days(3), status="released")]
    assert allocate([OrderLine("BREAD", 3)], lots, usable_after=ARRIVAL) == [
        Allocation("BREAD", "B", 1), Allocation("BREAD", "R", 2)
    ]


def test_spans_several_lots_in_expiry_order():
    lots = [lot("L1", expiry=days(30), available=4), lot("L2", expiry=days(10), available=3),
            lot("L3", expiry=days(20), available=2)]
    assert allocate([OrderLine("BREAD", 6)], lots, usable_after=ARRIVAL) == [
        Allocation("BREAD", "L2", 3), Allocation("BREAD", "L3", 2), Allocation("BREAD", "L1", 1)
    ]


def test_fills_lines_of_the_same_sku_from_one_pool():
    lots = [lot("L1", available=3, expiry=days(1)), lot("L2", available=3, expiry=days(2))]
    assert allocate([OrderLine("BREAD", 2), OrderLine("BREAD", 2)], lots, usable_after=ARRIVAL) == [
        Allocation("BREAD", "L1", 3), Allocation("BREAD", "L2", 1)
    ]


def test_ignores_lots_of_other_skus():
    lots = [lot("T1", "TEA", available=100), lot("B1", "BREAD", available=1)]
    with pytest.raises(InsufficientStock) as error:
        allocate([OrderLine("BREAD", 2)], lots, usable_after=ARRIVAL)
    assert error.value.shortages == {"BREAD": (2, 1)}


def test_gathers_every_shortage_in_one_error():
    lots = [lot("B1", "BREAD", available=1), lot("T1", "TEA", available=9),
            lot("S1", "SOAP", available=4, expiry=days(-3))]
    lines = [OrderLine("BREAD", 2), OrderLine("TEA", 9), OrderLine("SOAP", 1), OrderLine("JAM", 1)]
    with pytest.raises(InsufficientStock) as error:
        allocate(lines, lots, usable_after=ARRIVAL)
    assert error.value.shortages == {
        "BREAD": Shortage(wanted=2, available=1), "SOAP": (1, 0), "JAM": (1, 0)
    }
    assert "BREAD" in str(error.value)


def test_does_not_change_its_inputs():
    lines = [OrderLine("BREAD", 4)]
    lots = [lot("L1", available=3, expiry=days(1)), lot("L2", available=3)]
    before = deepcopy((lines, lots))
    allocate(lines, lots, usable_after=ARRIVAL)
    assert (lines, lots) == before


def test_accepts_iterators():
    assert allocate(iter([OrderLine("BREAD", 1)]), iter([lot("L1")]), usable_after=ARRIVAL) == [
        Allocation("BREAD", "L1", 1)
    ]


def test_counts_what_an_order_could_get():
    lots = [lot("L1", available=3, expiry=days(-1)), lot("L2", available=4), lot("Q", status="quarantined")]
    assert usable_quantity(lots, "BREAD", usable_after=ARRIVAL) == 4


@pytest.mark.parametrize("quantity", [0, -1, 1.5, True])
def test_refuses_an_order_line_without_whole_positive_units(quantity):
    with pytest.raises(InvalidQuantity):
        OrderLine("BREAD", quantity)


def test_refuses_a_lot_with_negative_stock():
    with pytest.raises(InvalidQuantity):
        lot("L1", available=-1)


def test_refuses_an_unknown_customs_status():
    with pytest.raises(ValueError):
        lot("L1", status="smuggled")


def test_refuses_the_same_lot_twice():
    with pytest.raises(ValueError):
        allocate([OrderLine("BREAD", 1)], [lot("L1"), lot("L1")], usable_after=ARRIVAL)


def test_customs_status_reads_as_its_string():
    assert lot("L1", status="released").customs_status == "released"
    assert lot("L1", status=CustomsStatus.BONDED).customs_status is CustomsStatus.BONDED


SKUS = ["BREAD", "TEA", "SOAP"]


@st.composite
def stock_and_order(draw):
    count = draw(st.integers(min_value=0, max_value=16))
    lots = [
        LotStock(
            lot_id=f"L{i}",
            sku=draw(st.sampled_from(SKUS)),
            available=draw(st.integers(min_value=0, max_value=20)),
            expiry=draw(st.none() | st.integers(-10, 10).map(days)),
            bin="A-01-01",
            customs_status=draw(st.sampled_from(list(CustomsStatus))),
        )
        for i in range(count)
    ]
    lines = draw(st.lists(
        st.builds(OrderLine, st.sampled_from(SKUS), st.integers(min_value=1, max_value=8)),
        min_size=1, max_size=3,
    ))
    return lines, lots


def _fefo_rank(lot_stock):
    return (lot_stock.expiry is None, lot_stock.expiry or date.min, lot_stock.lot_id)


@given(stock_and_order())
def test_allocation_properties(case):
    lines, lots = case
    by_id = {lot_stock.lot_id: lot_stock for lot_stock in lots}
    wanted = {}
    for line in lines:
        wanted[line.sku] = wanted.get(line.sku, 0) + line.quantity
    try:
        allocations = allocate(lines, lots, usable_after=ARRIVAL)
    except InsufficientStock as error:
        assert error.shortages
        for sku, (want, have) in error.shortages.items():
            assert want == wanted[sku] > have == usable_quantity(lots, sku, usable_after=ARRIVAL)
        for sku in wanted.keys() - error.shortages.keys():
            assert usable_quantity(lots, sku, usable_after=ARRIVAL) >= wanted[sku]
        return

    taken = {}
    for allocation in allocations:
        source = by_id[allocation.lot_id]
        assert allocation.quantity > 0
        assert source.sku == allocation.sku
        assert source.usable_by(ARRIVAL)
        taken[allocation.lot_id] = taken.get(allocation.lot_id, 0) + allocation.quantity
    # never more than a lot has
    assert all(quantity <= by_id[lot_id].available for lot_id, quantity in taken.items())
    # exactly what was ordered, per SKU
    per_sku = {}
    for allocation in allocations:
        per_sku[allocation.sku] = per_sku.get(allocation.sku, 0) + allocation.quantity
    assert per_sku == wanted
    # FEFO: a lot is touched only when every usable lot expiring before it is used up
    for lot_id in taken:
        used = by_id[lot_id]
        for other in lots:
            if other.sku == used.sku and other.usable_by(ARRIVAL) and _fefo_rank(other) < _fefo_rank(used):
                assert taken.get(other.lot_id, 0) == other.available
