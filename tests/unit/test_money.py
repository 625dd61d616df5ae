"""Money: Decimal amounts in one currency, rounding, conversion and parsing."""

import ast
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop.domain.money import (
    CURRENCIES,
    CurrencyMismatch,
    InvalidAmount,
    InvalidRate,
    Money,
    UnknownCurrency,
    convert,
    from_minor_units,
    parse_amount,
    to_minor_units,
)

D = Decimal
DOMAIN = Path(__file__).resolve().parents[2] / "shop" / "domain"


@pytest.mark.parametrize("module", ["money", "allocation", "orders", "picking"])
def test_domain_modules_import_only_the_standard_library(module):
    tree = ast.parse((DOMAIN / f"{module}.py").read_text(encoding="utf-8"))
    assert ast.get_docstring(tree) and "\n" not in ast.get_docstring(tree)
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert imported <= set(sys.stdlib_module_names)


def test_knows_the_shops_currencies_with_iso_minor_units():
    assert set(CURRENCIES) == {"CNY", "USD", "EUR", "RUB", "PKR", "KGS", "KZT", "UZS", "TJS", "AFN"}
    assert CURRENCIES["UZS"] == 2 and CURRENCIES["KZT"] == 2


def test_refuses_an_unknown_currency():
    with pytest.raises(UnknownCurrency) as error:
        Money(D("1"), "XXX")
    assert error.value.currency == "XXX"


def test_refuses_float_amounts():
    with pytest.raises(TypeError):
        Money(1.1, "CNY")


def test_accepts_int_amounts_and_lower_case_codes():
    assert Money(3, "cny") == Money(D("3.00"), "CNY")


def test_adds_and_subtracts_in_one_currency():
    assert Money(D("12.50"), "CNY") + Money(D("0.75"), "CNY") == Money(D("13.25"), "CNY")
    assert Money(D("12.50"), "CNY") - Money(D("0.75"), "CNY") == Money(D("11.75"), "CNY")


def test_sums_a_list_of_amounts():
    assert sum([Money(D("1.10"), "USD"), Money(D("2.20"), "USD")]) == Money(D("3.30"), "USD")


@pytest.mark.parametrize("operation", [
    lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a < b, lambda a, b: a >= b,
])
def test_refuses_to_mix_currencies(operation):
    with pytest.raises(CurrencyMismatch) as error:
        operation(Money(D("1"), "CNY"), Money(D("1"), "RUB"))
    assert (error.value.left, error.value.right) == ("CNY", "RUB")


def test_amounts_in_different_currencies_are_not_equal():
    assert Money(D("1"), "CNY") != Money(D("1"), "USD")


def test_multiplies_by_int_and_decimal_on_either_side():
    price = Money(D("12.50"), "CNY")
    assert price * 3 == 3 * price == Money(D("37.50"), "CNY")
    assert price * D("0.091") == Money(D("1.1375"), "CNY")


def test_refuses_to_multiply_by_float():
    with pytest.raises(TypeError):
        Money(D("1"), "CNY") * 1.5


def test_quantizes_half_up_to_the_minor_unit():
    assert Money(D("1.125"), "CNY").quantize() == Money(D("1.13"), "CNY")
    assert Money(D("-1.125"), "CNY").quantize() == Money(D("-1.13"), "CNY")
    assert Money(D("1.124"), "CNY").quantize().amount_str == "1.12"


def test_amount_str_has_two_decimals_and_no_negative_zero():
    assert Money(D("12.5"), "CNY").amount_str == "12.50"
    assert Money(D("1E+3"), "RUB").amount_str == "1000.00"
    assert Money(D("-0.001"), "CNY").amount_str == "0.00"


def test_compares_amounts():
    assert Money(D("1"), "CNY") < Money(D("1.01"), "CNY") <= Money(D("1.010"), "CNY")
    assert max(Money(D("2"), "KGS"), Money(D("10"), "KGS")) == Money(D("10"), "KGS")


def test_zero_is_nothing_in_a_currency():
    assert Money.zero("PKR") == Money(D("0"), "PKR")
    assert Money.zero("PKR").is_zero()


def test_converts_cny_at_the_rate_per_cny_rounding_half_up():
    assert convert(Money(D("100"), "CNY"), D("12.345"), "RUB") == Money(D("1234.50"), "RUB")
    assert convert(Money(D("0.01"), "CNY"), D("0.1385"), "USD") == Money(D("0.00"), "USD")
    assert convert(Money(D("1.00"), "CNY"), D("1775.555"), "UZS").amount_str == "1775.56"


def test_converts_only_from_cny():
    with pytest.raises(CurrencyMismatch):
        convert(Money(D("1"), "USD"), D("7"), "CNY")


@pytest.mark.parametrize("rate", [D("0"), D("-1"), D("NaN"), D("Infinity"), 1.5, "7.1"])
def test_refuses_a_rate_that_is_not_positive_and_finite(rate):
    with pytest.raises(InvalidRate):
        convert(Money(D("1"), "CNY"), rate, "USD")


def test_counts_minor_units_for_the_payment_edge():
    assert to_minor_units(Money(D("12.50"), "CNY")) == 1250
    assert to_minor_units(Money(D("0.005"), "USD")) == 1
    assert from_minor_units(1250, "CNY") == Money(D("12.50"), "CNY")
    assert from_minor_units(1250, "UZS").amount_str == "12.50"


@pytest.mark.parametrize("text, expected", [
    ("12.50", D("12.50")), ("12.5", D("12.5")), (" 7 ", D("7")), ("0", D("0")), ("+3.1", D("3.1")),
    (".5", D("0.5")), ("-0", D("0")),
])
def test_parses_plain_non_negative_amounts(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text, reason", [
    ("", "not_a_number"), ("abc", "not_a_number"), ("12,50", "not_a_number"), ("1e3", "not_a_number"),
    ("1_000", "not_a_number"), ("١٢", "not_a_number"), (None, "not_a_number"),
    ("NaN", "not_finite"), ("inf", "not_finite"), ("-Infinity", "not_finite"),
    ("-0.01", "negative"), ("-5", "negative"),
    ("1.005", "too_many_decimals"), ("12.500", "too_many_decimals"),
])
def test_refuses_amounts_that_are_not_prices(text, reason):
    with pytest.raises(InvalidAmount) as error:
        parse_amount(text)
    assert error.value.reason == reason
    assert error.value.text == text


amounts = st.decimals(min_value=-10**9, max_value=10**9, places=4, allow_nan=False, allow_infinity=False)
currencies = st.sampled_from(sorted(CURRENCIES))


@given(amounts, amounts, currencies)
def test_adding_then_subtracting_gives_back_the_amount(a, b, currency):
    x, y = Money(a, currency), Money(b, currency)
    assert (x + y) - y == x
    assert (x - y) + y == x
    assert x + y == y + x


@given(st.integers(min_value=-10**12, max_value=10**12), currencies)
def test_minor_units_round_trip(units, currency):
    assert to_minor_units(from_minor_units(units, currency)) == units


@given(amounts, currencies)
def test_quantizing_is_idempotent_and_within_half_a_minor_unit(a, currency):
    once = Money(a, currency).quantize()
    assert once.quantize() == once
    assert abs(once.amount - a) <= D("0.005")
