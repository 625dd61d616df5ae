"""Cash on delivery is counted in the destination's own money, rounded as cash is counted there."""
from decimal import Decimal

import pytest

from shop.domain.money import Money, cash_amount, cash_currency


def _cash(amount: str, currency: str) -> Decimal:
    return cash_amount(Money(Decimal(amount), currency)).amount


@pytest.mark.parametrize(("amount", "currency", "expected"), [
    ("12345.67", "RUB", "12346"),  # whole roubles: kopecks are not handed over
    ("12345.49", "RUB", "12345"),
    ("6113.06", "PKR", "6110"),  # rupees by tens at the door
    ("6115.00", "PKR", "6120"),  # half up
    ("11396.20", "KZT", "11400"),
    ("266612.40", "UZS", "266600"),  # sum by hundreds
    ("1895.50", "KGS", "1896"),
    ("204.63", "TJS", "204.60"),  # diram coins still circulate
    ("155.04", "CNY", "155.00"),
])
def test_cash_is_rounded_the_way_each_country_counts_it(amount, currency, expected):
    assert _cash(amount, currency) == Decimal(expected)


def test_a_small_amount_is_never_rounded_to_nothing():
    assert _cash("3.20", "PKR") == Decimal(10)
    assert _cash("0", "PKR") == Decimal(0)


def test_cash_rounding_keeps_the_currency_and_its_minor_unit():
    rounded = cash_amount(Money(Decimal("6113.06"), "PKR"))
    assert rounded.currency == "PKR" and rounded.amount_str == "6110.00"


@pytest.mark.parametrize(("country", "expected"), [
    ("PK", "PKR"), ("RU", "RUB"), ("kz", "KZT"), ("KG", "KGS"), ("UZ", "UZS"), ("TJ", "TJS"), ("CN", "CNY"),
])
def test_cash_is_collected_in_the_destinations_currency(country, expected):
    assert cash_currency(country, lambda code: True) == expected


def test_without_a_rate_for_the_local_money_cash_falls_back_to_dollars_then_yuan():
    assert cash_currency("AF", lambda code: code != "AFN") == "USD"
    assert cash_currency("PK", lambda code: code == "USD") == "USD"
    assert cash_currency("PK", lambda code: False) == "CNY"
    assert cash_currency("FR", lambda code: False) == "CNY"
