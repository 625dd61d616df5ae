"""Customs rules: cross-border import tax and limits, PRC ID numbers, destination duty."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop.domain.customs import (
    ANNUAL_LIMIT_CNY,
    ORDER_LIMIT_CNY,
    TAX_CLASSES,
    AnnualLimitExceeded,
    CustomsError,
    DutyRule,
    InvalidDutyRule,
    InvalidIdNumber,
    OrderLimitExceeded,
    UnknownTaxClass,
    check_import_limits,
    cross_border_tax_rate,
    estimate_duty,
    import_tax,
    validate_prc_id,
)

D = Decimal


# --- cross-border import tax -------------------------------------------------------------


@pytest.mark.parametrize(
    ("tax_class", "rate"),
    [("food", D("0.0630")), ("general", D("0.0910")), ("cosmetics_high", D("0.2306"))],
)
def test_cross_border_rate_is_seventy_percent_of_vat_and_consumption_tax(tax_class, rate):
    assert cross_border_tax_rate(tax_class) == rate
    assert cross_border_tax_rate(tax_class).as_tuple().exponent == -4


def test_tax_classes_hold_the_statutory_rates():
    assert TAX_CLASSES["food"].vat == D("0.09")
    assert TAX_CLASSES["general"].consumption_tax == 0
    assert TAX_CLASSES["cosmetics_high"].consumption_tax == D("0.15")


def test_unknown_tax_class_is_a_customs_error():
    with pytest.raises(UnknownTaxClass) as raised:
        cross_border_tax_rate("tobacco")
    assert raised.value.tax_class == "tobacco"
    assert isinstance(raised.value, CustomsError)


@pytest.mark.parametrize(
    ("lines", "tax"),
    [
        ([("general", D("100.00"))], D("9.10")),
        ([("food", D("45.00")), ("cosmetics_high", D("387.00"))], D("92.08")),  # 2.835 + 89.2422 = 92.0772
        ([("food", D("0.07"))], D("0.00")),  # 0.00441
        ([("food", D("0.08"))], D("0.01")),  # 0.00504 rounds half up
        ([], D("0.00")),
    ],
)
def test_import_tax_sums_lines_then_rounds_to_the_fen(lines, tax):
    assert import_tax(lines) == tax


def test_import_tax_refuses_an_unknown_class():
    with pytest.raises(UnknownTaxClass):
        import_tax([("general", D("1")), ("weapons", D("1"))])


# --- limits ------------------------------------------------------------------------------


def test_limits_are_five_thousand_per_order_and_twenty_six_thousand_a_year():
    assert D("5000") == ORDER_LIMIT_CNY
    assert D("26000") == ANNUAL_LIMIT_CNY


@pytest.mark.parametrize(
    ("order", "paid"), [(D("5000.00"), D("0")), (D("1000"), D("25000")), (D("0.01"), D("25999.99"))]
)
def test_orders_within_both_limits_pass(order, paid):
    assert check_import_limits(order, paid) is None


def test_order_over_five_thousand_is_refused_with_its_amounts():
    with pytest.raises(OrderLimitExceeded) as raised:
        check_import_limits(D("5000.01"), D("0"))
    assert raised.value.order_value == D("5000.01")
    assert raised.value.limit == ORDER_LIMIT_CNY


def test_order_limit_is_checked_before_the_annual_limit():
    with pytest.raises(OrderLimitExceeded):
        check_import_limits(D("6000"), D("25000"))


def test_order_that_breaks_the_annual_limit_says_what_remains():
    with pytest.raises(AnnualLimitExceeded) as raised:
        check_import_limits(D("1500"), D("25000"))
    error = raised.value
    assert (error.order_value, error.paid_this_year, error.limit) == (D("1500"), D("25000"), D("26000"))
    assert error.remaining == D("1000")
    assert isinstance(error, CustomsError)


# --- PRC resident ID ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "normalised"),
    [
        ("11010519491231002X", "11010519491231002X"),
        ("11010519491231002x", "11010519491231002X"),
        (" 440308199003073513 ", "440308199003073513"),
        ("650101200002291235", "650101200002291235"),  # born on a leap day
        ("31011519880815888X", "31011519880815888X"),
    ],
)
def test_valid_id_numbers_come_back_upper_cased(number, normalised):
    assert validate_prc_id(number) == normalised


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("11010519491231002", "length"),
        ("11010519491231002XX", "length"),
        ("", "length"),
        ("1101051949123100XX", "format"),
        ("11010519491231002Y", "format"),
        ("X10105194912310020", "format"),
        ("１１0105194912310020", "format"),  # full-width digits are not ASCII digits
        ("110105194913310020", "birth_date"),  # month 13
        ("650101200102291230", "birth_date"),  # 29 February 2001
        ("110105180001010010", "birth_date"),  # before 1900
        ("110105194912310021", "check_digit"),
        ("110105194912310039", "check_digit"),
    ],
)
def test_invalid_id_numbers_are_refused_with_a_reason_code(number, code):
    with pytest.raises(InvalidIdNumber) as raised:
        validate_prc_id(number)
    assert raised.value.code == code


def test_birth_date_after_today_is_refused_when_today_is_given():
    number = "440308203003073512"  # born 2030-03-07, check digit correct
    with pytest.raises(InvalidIdNumber, match="birth_date"):
        validate_prc_id(number, today=date(2026, 6, 1))
    assert validate_prc_id(number) == number


def _check_char(body: str) -> str:
    total = sum(int(digit) * (2 ** (17 - i) % 11) for i, digit in enumerate(body))
    return "10X98765432"[total % 11]


@given(
    region=st.integers(110000, 659999),
    born=st.dates(date(1900, 1, 1), date(2025, 12, 31)),
    sequence=st.integers(0, 999),
)
def test_any_number_with_a_mod_11_2_check_digit_passes_and_any_other_digit_fails(region, born, sequence):
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    good = _check_char(body)
    assert validate_prc_id(body + good) == body + good
    for wrong in set("0123456789X") - {good}:
        with pytest.raises(InvalidIdNumber, match="check_digit"):
            validate_prc_id(body + wrong)


# --- export duty -------------------------------------------------------------------------

EAEU = DutyRule("RU", D("200"), "EUR", D("0.05"), "parcel")
EUR = D("7.80")  # CNY per euro: the threshold is 1,560 CNY


@pytest.mark.parametrize(
    ("value", "duty"),
    [
        (D("0"), D("0")),
        (D("1559.99"), D("0")),
        (D("1560.00"), D("0")),  # at the threshold: duty free
        (D("1560.10"), D("0.01")),  # 0.005 rounds half up
        (D("2000.00"), D("22.00")),  # 5% of the 440 CNY above it
        (D("10000"), D("422.00")),
    ],
)
def test_eaeu_duty_is_five_percent_of_the_excess_over_200_euro(value, duty):
    assert estimate_duty(value, EAEU, EUR) == duty


def test_duty_is_in_fen():
    assert estimate_duty(D("2000"), EAEU, EUR).as_tuple().exponent == -2
    assert estimate_duty(D("1"), EAEU, EUR).as_tuple().exponent == -2


def test_duty_rule_is_data_with_a_period():
    pakistan = DutyRule("PK", D("1000"), "PKR", D("0.10"))
    assert pakistan.per == "parcel"
    assert estimate_duty(D("100"), pakistan, D("0.0256")) == D("7.44")  # 10% of 100 - 25.60
    with pytest.raises(InvalidDutyRule):
        DutyRule("UZ", D("200"), "USD", D("0.1"), "week")
    with pytest.raises(InvalidDutyRule):
        DutyRule("UZ", D("-1"), "USD", D("0.1"), "month")


# --- bases, start days and monthly allowances -------------------------------------------

PAKISTAN_FULL = DutyRule("PK", D("1000"), "PKR", D("0.35"), "parcel", "full")


@pytest.mark.parametrize(("value", "duty"), [
    ("25.00", D("0.00")),     # PKR 976.56: under the threshold, nothing
    ("25.60", D("0.00")),     # exactly PKR 1,000: still duty-free
    ("100.00", D("35.00")),   # over it: 35% of the whole 100 CNY, not of the 74.40 above it
])
def test_a_full_basis_rule_charges_the_whole_value_once_over_the_threshold(value, duty):
    assert estimate_duty(D(value), PAKISTAN_FULL, D("0.0256")) == duty


def test_a_rule_applies_from_its_start_day():
    eaeu = DutyRule("RU", D("200"), "EUR", D("0.05"), valid_from=date(2026, 7, 1))
    assert not eaeu.in_force(date(2026, 6, 30))
    assert eaeu.in_force(date(2026, 7, 1))
    assert DutyRule("RU", D("200"), "EUR", D("0.05")).in_force(date(1990, 1, 1))


def test_an_unknown_basis_is_refused():
    with pytest.raises(InvalidDutyRule):
        DutyRule("PK", D("1000"), "PKR", D("0.35"), "parcel", "half")


UZBEK_MONTH = DutyRule("UZ", D("200"), "USD", D("0.30"), "month")  # 1,420 CNY at 7.10


@pytest.mark.parametrize(("already", "value", "duty"), [
    ("0", "1000", D("0.00")),        # first order of the month, under the allowance
    ("1000", "1000", D("174.00")),   # 580 of it over the 1,420 allowance: 30% of 580
    ("2000", "500", D("150.00")),    # allowance used up before: all 500 dutiable
    ("1420", "0.01", D("0.00")),     # a fen over rounds to nothing
])
def test_a_monthly_allowance_counts_what_the_recipient_was_sent_before(already, value, duty):
    assert estimate_duty(D(value), UZBEK_MONTH, D("7.10"), D(already)) == duty


def test_a_parcel_rule_ignores_earlier_parcels():
    assert estimate_duty(D("1000"), EAEU, EUR, D("999999")) == D("0.00")
