"""Routing over the six demo express lines: serving, goods, size, calendar, capacity, cost,
splitting, taxes and ranking, then properties that hold for any order."""

import ast
import dataclasses
import sys
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shop.domain.customs import DutyRule, UnknownTaxClass
from shop.domain.routing import (
    GOODS_FLAGS,
    REASON_CODES,
    RECOMMENDED_SLACK_DAYS,
    SHANGHAI,
    Closure,
    Destination,
    InvalidLine,
    InvalidQuoteRequest,
    Item,
    Line,
    LineUnavailable,
    MissingExchangeRate,
    RateTable,
    chargeable_weight_g,
    cn_days_off,
    next_departure,
    quote,
    shipping_cost,
)

D = Decimal


def make_line(code, mode, serves, weekdays, cutoff, transit, rate, *, divisor=5000, refused=(),
              max_kg=100, side_mm=1500, capacity=("5000", "30"), **extra):
    return Line(
        code=code, mode=mode, serves={k: frozenset(v) for k, v in serves.items()},
        weekdays=frozenset(weekdays), cutoff=time(*cutoff), transit_days_min=transit[0],
        transit_days_max=transit[1], refused_flags=frozenset(refused), max_parcel_weight_g=max_kg * 1000,
        max_parcel_side_mm=side_mm, capacity_kg=D(capacity[0]), capacity_m3=D(capacity[1]),
        rate=RateTable(rate[0], D(rate[1]), rate[2], D(rate[3])), volumetric_divisor=divisor, **extra,
    )  # fmt: skip


KHUNJERAB_WINTER = Closure(date(2000, 12, 1), date(2001, 3, 31), True, "season", "Khunjerab pass")

# The demo lines of DESIGN.md. Air serves the capitals and big cities of the 1.5-hour circle
# (Islamabad, Tashkent, Bishkek, Dushanbe, Almaty, Astana); Moscow lies outside it, so Moscow
# has the truck and the railway only. Rail refuses perishables: 12-18 days is too slow.
MOW = make_line("KHG-MOW-TRUCK", "truck", {"RU": {"Moscow"}}, {1, 4}, (18, 0), (14, 16),
                (1000, "25.00", 1000, "6.00"), capacity=("8000", "40"))  # fmt: skip
FRU = make_line("KHG-FRU-TRUCK", "truck", {"KG": {"Bishkek", "Osh"}, "KZ": {"Almaty"}}, {0, 3}, (17, 0),
                (7, 8), (1000, "20.00", 1000, "5.00"), closes_on_cn_holidays=True)  # fmt: skip
PK = make_line("KHG-PK-TRUCK", "truck", {"PK": {"Islamabad", "Lahore", "Karachi"}}, {2, 5}, (16, 0),
               (7, 9), (1000, "20.00", 1000, "5.00"), closures=(KHUNJERAB_WINTER,))  # fmt: skip
AIR = make_line("KHG-AIR", "air", {"PK": {"Islamabad"}, "UZ": {"Tashkent"}, "KG": {"Bishkek"},
                                   "TJ": {"Dushanbe"}, "KZ": {"Almaty", "Astana"}},
                {0, 1, 2, 3, 4, 5}, (12, 0), (2, 4), (500, "30.00", 500, "12.00"), divisor=6000,
                refused={"liquid", "aerosol", "perfume", "battery"}, max_kg=30, side_mm=1200,
                capacity=("800", "6"))  # fmt: skip
RAIL = make_line("KHG-RAIL", "rail", {"UZ": set(), "KZ": set(), "RU": set()}, {2}, (15, 0), (12, 18),
                 (1000, "15.00", 1000, "3.00"), refused={"perishable"}, max_kg=200, side_mm=2000,
                 capacity=("20000", "80"))  # fmt: skip
CN = make_line("CN-BONDED", "express", {"CN": set()}, range(7), (15, 0), (3, 6),
               (1000, "12.00", 1000, "2.00"), max_kg=30, side_mm=1000)  # fmt: skip
LINES = (MOW, FRU, PK, AIR, RAIL, CN)
ALL_CODES = {line.code for line in LINES}


def sh(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def item(sku="UZ-APRICOT-1K", quantity=1, weight_g=1000, dims=(100, 100, 100), value="100.00",
         flags=(), tax_class="general"):  # fmt: skip
    return Item(sku, quantity, weight_g, dims, D(value), frozenset(flags), tax_class)


def ask(items, country, city, now, lines=LINES, **kwargs):
    if isinstance(items, Item):
        items = [items]
    return quote(items, Destination(country, city), now, lines, **kwargs)


def single_lines(result):
    return {o.shipments[0].line: o for o in result.options if len(o.shipments) == 1}


def ruled(result):
    return {r.line: (r.code, dict(r.params)) for r in result.ruled_out}


MONDAY = sh(2026, 6, 1)  # an ordinary Monday, 10:00 in Kashgar's official time


# --- which lines serve a destination ------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "city", "lines"),
    [
        ("RU", "Moscow", {"KHG-MOW-TRUCK", "KHG-RAIL"}),
        ("RU", "Kazan", {"KHG-RAIL"}),
        ("KG", "Bishkek", {"KHG-FRU-TRUCK", "KHG-AIR"}),
        ("KG", "Osh", {"KHG-FRU-TRUCK"}),
        ("KZ", "Almaty", {"KHG-FRU-TRUCK", "KHG-AIR", "KHG-RAIL"}),
        ("KZ", "Astana", {"KHG-AIR", "KHG-RAIL"}),
        ("PK", "Islamabad", {"KHG-PK-TRUCK", "KHG-AIR"}),
        ("PK", "Karachi", {"KHG-PK-TRUCK"}),
        ("UZ", "Tashkent", {"KHG-AIR", "KHG-RAIL"}),
        ("UZ", "Samarkand", {"KHG-RAIL"}),
        ("TJ", "Dushanbe", {"KHG-AIR"}),
        ("CN", "Urumqi", {"CN-BONDED"}),
        ("US", "New York", set()),
    ],
)
def test_a_destination_gets_an_option_on_each_line_that_serves_it(country, city, lines):
    result = ask(item(), country, city, MONDAY)
    assert set(single_lines(result)) == lines
    assert {r.line for r in result.ruled_out} == ALL_CODES - lines


def test_lines_serving_the_country_but_not_the_city_are_ruled_out_by_city():
    result = ask(item(), "RU", "Kazan", MONDAY)
    assert ruled(result)["KHG-MOW-TRUCK"] == ("not_served_city", {})
    assert ruled(result)["KHG-AIR"] == ("not_served_country", {})


@pytest.mark.parametrize("city", ["moscow", "MOSCOW", "  Moscow "])
def test_cities_and_countries_compare_without_case(city):
    assert "KHG-MOW-TRUCK" in single_lines(ask(item(), "ru", city, MONDAY))


def test_ruled_out_lines_keep_the_order_lines_were_given_in():
    result = ask(item(), "TJ", "Dushanbe", MONDAY)
    assert [r.line for r in result.ruled_out] == ["KHG-MOW-TRUCK", "KHG-FRU-TRUCK", "KHG-PK-TRUCK",
                                                  "KHG-RAIL", "CN-BONDED"]  # fmt: skip


# --- goods and parcel limits ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "air_takes_it"),
    [("liquid", False), ("aerosol", False), ("perfume", False), ("battery", False),
     ("perishable", True), ("fragile", True)],
)  # fmt: skip
def test_air_refuses_liquids_aerosols_perfume_and_batteries(flag, air_takes_it):
    result = ask(item(flags={flag}), "KG", "Bishkek", MONDAY)
    assert ("KHG-AIR" in single_lines(result)) is air_takes_it
    if not air_takes_it:
        assert ruled(result)["KHG-AIR"] == ("goods_refused", {"flag": flag})
    assert "KHG-FRU-TRUCK" in single_lines(result)  # the truck takes what cannot fly


def test_rail_refuses_perishables():
    result = ask(item(flags={"perishable"}), "RU", "Moscow", MONDAY)
    assert ruled(result)["KHG-RAIL"] == ("goods_refused", {"flag": "perishable"})


def test_one_refused_item_rules_the_line_out_for_the_whole_order():
    result = ask([item("A"), item("B", flags={"battery", "liquid"})], "TJ", "Dushanbe", MONDAY)
    assert result.options == ()
    assert ruled(result)["KHG-AIR"] == ("goods_refused", {"flag": "battery"})
    assert result.unshippable == ("B",)


@pytest.mark.parametrize(
    ("quantity", "weight_g", "carried"),
    [(1, 30_000, True), (1, 30_001, False), (2, 15_000, True), (2, 15_001, False)],
)
def test_air_takes_parcels_up_to_thirty_kilos(quantity, weight_g, carried):
    result = ask(item(quantity=quantity, weight_g=weight_g), "TJ", "Dushanbe", MONDAY)
    assert bool(result.options) is carried
    if not carried:
        assert ruled(result)["KHG-AIR"] == ("overweight", {"limit_kg": D("30")})


@pytest.mark.parametrize(("side", "carried"), [(1200, True), (1201, False)])
def test_air_takes_no_side_longer_than_120_cm(side, carried):
    result = ask(item(dims=(side, 100, 100)), "TJ", "Dushanbe", MONDAY)
    assert bool(result.options) is carried
    if not carried:
        assert ruled(result)["KHG-AIR"] == ("oversize", {"limit_cm": D("120")})


def test_order_too_heavy_for_the_only_line_is_ruled_out_overweight():
    result = ask([item("A", weight_g=20_000), item("B", weight_g=20_000)], "TJ", "Dushanbe", MONDAY)
    assert result.options == ()
    assert ruled(result)["KHG-AIR"] == ("overweight", {"limit_kg": D("30")})
    assert result.unshippable == ()  # each item could fly alone, not both in one parcel


# --- departures, cut-off and delivery dates ------------------------------------------------


@pytest.mark.parametrize(
    ("line", "departure", "earliest", "latest"),
    [
        (MOW, sh(2026, 6, 2, 18), date(2026, 6, 17), date(2026, 6, 19)),  # Tue/Fri, 14-16 days
        (FRU, sh(2026, 6, 1, 17), date(2026, 6, 9), date(2026, 6, 10)),  # Mon/Thu, 7-8 days
        (PK, sh(2026, 6, 3, 16), date(2026, 6, 11), date(2026, 6, 13)),  # Wed/Sat, 7-9 days
        (AIR, sh(2026, 6, 1, 12), date(2026, 6, 4), date(2026, 6, 6)),  # Mon-Sat, 2-4 days
        (RAIL, sh(2026, 6, 3, 15), date(2026, 6, 16), date(2026, 6, 22)),  # Wed, 12-18 days
        (CN, sh(2026, 6, 1, 15), date(2026, 6, 5), date(2026, 6, 8)),  # daily, 3-6 days
    ],
)
def test_each_line_departs_on_its_next_weekday_and_delivers_after_clearance_and_transit(
    line, departure, earliest, latest
):
    found = next_departure(line, MONDAY)
    assert (found.line, found.at, found.delivery_earliest, found.delivery_latest) == (
        line.code, departure, earliest, latest,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("now", "departure"),
    [
        (sh(2026, 3, 3, 17, 59), sh(2026, 3, 3, 18)),  # Tuesday before the 18:00 cut-off
        (sh(2026, 3, 3, 18, 0), sh(2026, 3, 6, 18)),  # at the cut-off: Friday's truck
        (sh(2026, 3, 4, 9), sh(2026, 3, 6, 18)),  # Wednesday
        (sh(2026, 3, 6, 23, 59), sh(2026, 3, 10, 18)),  # Friday night: next Tuesday
        (sh(2026, 3, 7, 8), sh(2026, 3, 10, 18)),  # Saturday
        (datetime(2026, 3, 3, 9, 59, tzinfo=UTC), sh(2026, 3, 3, 18)),  # 17:59 in Kashgar
        (datetime(2026, 3, 3, 10, 0, tzinfo=UTC), sh(2026, 3, 6, 18)),
        (datetime(2026, 3, 3, 12, 59, tzinfo=ZoneInfo("Europe/Moscow")), sh(2026, 3, 3, 18)),
    ],
)
def test_an_order_before_the_cutoff_on_a_departure_day_makes_that_days_truck(now, departure):
    shipment = single_lines(ask(item(), "RU", "Moscow", now))["KHG-MOW-TRUCK"].shipments[0]
    assert shipment.departure == departure
    assert shipment.delivery_earliest == departure.date() + timedelta(days=1 + 14)
    assert shipment.delivery_latest == departure.date() + timedelta(days=1 + 16)


def test_departure_is_an_aware_time_in_asia_shanghai():
    shipment = single_lines(ask(item(), "RU", "Moscow", sh(2026, 12, 1)))["KHG-MOW-TRUCK"].shipments[0]
    assert shipment.departure.isoformat() == "2026-12-01T18:00:00+08:00"


# --- the Khunjerab season ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "departure", "reopens"),
    [
        (sh(2026, 11, 25, 10), sh(2026, 11, 25, 16), None),  # last Wednesday before winter
        (sh(2026, 11, 28, 15), sh(2026, 11, 28, 16), None),  # last Saturday, before cut-off
        (sh(2026, 11, 28, 17), None, date(2027, 4, 1)),  # after it: next truck is in December
        (sh(2027, 1, 12), None, date(2027, 4, 1)),
        (sh(2027, 3, 31, 10), None, date(2027, 4, 1)),  # 31 March is still winter
        (sh(2027, 4, 1, 9), sh(2027, 4, 3, 16), None),  # Thursday: Saturday's truck crosses
        (sh(2026, 3, 30, 10), sh(2026, 4, 1, 16), None),
    ],
)
def test_pakistan_truck_is_ruled_out_in_the_khunjerab_winter_with_its_reopening_date(now, departure, reopens):
    result = ask(item(), "PK", "Lahore", now)
    if reopens is None:
        assert single_lines(result)["KHG-PK-TRUCK"].shipments[0].departure == departure
    else:
        assert result.options == ()  # no order quietly waits four months
        assert ruled(result)["KHG-PK-TRUCK"] == ("closed_season", {"until": reopens})


def test_winter_closes_the_pass_not_the_air_line():
    result = ask(item(), "PK", "Islamabad", sh(2027, 1, 12))
    assert set(single_lines(result)) == {"KHG-AIR"}


def test_next_departure_raises_with_the_ruling_when_a_line_has_none():
    with pytest.raises(LineUnavailable) as raised:
        next_departure(PK, sh(2027, 1, 12))
    assert (raised.value.line, raised.value.code, raised.value.params) == (
        "KHG-PK-TRUCK", "closed_season", {"until": date(2027, 4, 1)},
    )  # fmt: skip


FEBRUARY = Closure(date(2024, 2, 1), date(2024, 2, 29), True, "season")
JULY_2026 = Closure(date(2026, 7, 1), date(2026, 7, 20), False, "season")


@pytest.mark.parametrize(
    ("closure", "day", "covered", "reopens"),
    [
        (KHUNJERAB_WINTER, date(2026, 12, 1), True, date(2027, 4, 1)),
        (KHUNJERAB_WINTER, date(2027, 2, 28), True, date(2027, 4, 1)),
        (KHUNJERAB_WINTER, date(2026, 11, 30), False, None),
        (KHUNJERAB_WINTER, date(2026, 4, 1), False, None),
        (FEBRUARY, date(2027, 2, 28), True, date(2027, 3, 1)),  # 29 February is the 28th in 2027
        (FEBRUARY, date(2028, 2, 29), True, date(2028, 3, 1)),
        (JULY_2026, date(2026, 7, 20), True, date(2026, 7, 21)),
        (JULY_2026, date(2027, 7, 10), False, None),
    ],
)
def test_closures_repeat_yearly_and_may_wrap_the_year_end(closure, day, covered, reopens):
    assert closure.covers(day) is covered
    if covered:
        assert closure.reopens(day) == reopens


# --- Chinese holidays and other closures ---------------------------------------------------


def test_kyrgyz_crossings_stay_shut_through_national_day_and_the_truck_waits():
    result = ask(item(), "KG", "Bishkek", sh(2026, 9, 30))
    # Thursday 1 and Monday 5 October are holidays: the next truck is Thursday the 8th.
    assert single_lines(result)["KHG-FRU-TRUCK"].shipments[0].departure == sh(2026, 10, 8, 17)


def test_lines_that_ignore_holidays_depart_on_national_day():
    assert next_departure(MOW, sh(2026, 9, 30)).at == sh(2026, 10, 2, 18)
    assert next_departure(AIR, sh(2026, 9, 30, 13)).at == sh(2026, 10, 1, 12)


def test_kyrgyz_crossings_stay_shut_over_the_spring_festival():
    # 16 (eve), 19 and 23 (day off in lieu) February 2026 are all Chinese holidays.
    assert next_departure(FRU, sh(2026, 2, 16, 9)).at == sh(2026, 2, 26, 17)


def test_a_weekend_inside_a_holiday_run_counts_as_holiday():
    days_off = cn_days_off(2026)
    assert {date(2026, 10, 4), date(2026, 2, 21), date(2026, 2, 22)} <= days_off
    assert date(2026, 6, 20) not in days_off  # the weekend after a lone Friday holiday
    assert date(2026, 2, 14) not in days_off  # a Saturday worked in exchange
    sunday_truck = dataclasses.replace(FRU, weekdays=frozenset({6}))
    assert next_departure(sunday_truck, sh(2026, 9, 30)).at == sh(2026, 10, 11, 17)


def test_other_closures_skip_their_days_without_ruling_the_line_out():
    works = Closure(date(2026, 5, 1), date(2026, 5, 10), False, "other", "depot works")
    line = dataclasses.replace(MOW, closures=(works,))
    assert next_departure(line, sh(2026, 4, 30)).at == sh(2026, 5, 12, 18)


def test_yearly_other_closures_wrap_the_new_year():
    new_year = Closure(date(2000, 12, 30), date(2001, 1, 2), True, "other")
    line = dataclasses.replace(MOW, closures=(new_year,))
    assert next_departure(line, sh(2026, 12, 28)).at == sh(2026, 12, 29, 18)
    assert next_departure(line, sh(2026, 12, 30)).at == sh(2027, 1, 5, 18)


@pytest.mark.parametrize(
    "line",
    [
        dataclasses.replace(MOW, weekdays=frozenset()),
        dataclasses.replace(MOW, closures=(Closure(date(2026, 1, 1), date(2028, 1, 1), False, "other"),)),
    ],
)
def test_a_line_that_never_departs_is_ruled_out_with_no_departure(line):
    result = ask(item(), "RU", "Moscow", MONDAY, lines=[line])
    assert ruled(result) == {"KHG-MOW-TRUCK": ("no_departure", {})}


# --- capacity ------------------------------------------------------------------------------


def fru_booked(day, kg="0", m3="0"):
    return {("KHG-FRU-TRUCK", day): (D(kg), D(m3))}


@pytest.mark.parametrize(
    ("booked", "departure"),
    [
        ({}, sh(2026, 6, 1, 17)),
        (fru_booked(date(2026, 6, 1), kg="4998"), sh(2026, 6, 1, 17)),  # 2 kg fits exactly
        (fru_booked(date(2026, 6, 1), kg="4998.5"), sh(2026, 6, 4, 17)),  # rolls to Thursday
        (fru_booked(date(2026, 6, 1), m3="29.9995"), sh(2026, 6, 4, 17)),  # 0.001 m3 does not fit
        (fru_booked(date(2026, 6, 4), kg="5000"), sh(2026, 6, 1, 17)),  # a later departure is full
        ({("KHG-MOW-TRUCK", date(2026, 6, 1)): (D("5000"), D("30"))}, sh(2026, 6, 1, 17)),
    ],
)
def test_what_does_not_fit_a_departure_rolls_to_the_next(booked, departure):
    result = ask(item(weight_g=2000), "KG", "Bishkek", MONDAY, booked=booked)
    assert single_lines(result)["KHG-FRU-TRUCK"].shipments[0].departure == departure


def test_a_line_full_for_eight_departures_is_ruled_out_as_full():
    mondays_and_thursdays = [date(2026, 6, 1) + timedelta(days=n) for n in range(60)]
    days = [day for day in mondays_and_thursdays if day.weekday() in (0, 3)]
    full = {("KHG-FRU-TRUCK", day): (D("5000"), D("0")) for day in days[:8]}
    assert ruled(ask(item(), "KG", "Bishkek", MONDAY, booked=full))["KHG-FRU-TRUCK"] == ("departure_full", {})
    del full[("KHG-FRU-TRUCK", days[7])]
    assert next_departure(FRU, MONDAY, full, weight_kg=D("1")).at == sh(2026, 6, 25, 17)  # the eighth


def test_an_order_larger_than_a_whole_departure_is_ruled_out_as_full():
    small = dataclasses.replace(FRU, capacity_kg=D("1.5"))
    result = ask(item(weight_g=2000), "KG", "Osh", MONDAY, lines=[small])
    assert ruled(result) == {"KHG-FRU-TRUCK": ("departure_full", {})}


def test_rolling_into_the_winter_rules_the_pakistan_truck_out_as_closed():
    booked = {("KHG-PK-TRUCK", date(2026, 11, 25)): (D("5000"), D("0")),
              ("KHG-PK-TRUCK", date(2026, 11, 28)): (D("5000"), D("0"))}  # fmt: skip
    result = ask(item(), "PK", "Lahore", sh(2026, 11, 25), booked=booked)
    assert ruled(result)["KHG-PK-TRUCK"] == ("closed_season", {"until": date(2027, 4, 1)})


def test_next_departure_accounts_for_the_weight_and_volume_asked_about():
    booked = fru_booked(date(2026, 6, 1), kg="4990")
    assert next_departure(FRU, MONDAY, booked, weight_kg=D("10")).at == sh(2026, 6, 1, 17)
    assert next_departure(FRU, MONDAY, booked, weight_kg=D("10.001")).at == sh(2026, 6, 4, 17)
    with pytest.raises(LineUnavailable, match="departure_full"):
        next_departure(FRU, MONDAY, {}, volume_m3=D("30.001"))


# --- cost ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "grams", "cost"),
    [
        (MOW.rate, 0, D("25.00")),
        (MOW.rate, 1, D("25.00")),
        (MOW.rate, 1000, D("25.00")),
        (MOW.rate, 1001, D("31.00")),  # a started kilo is paid
        (MOW.rate, 2000, D("31.00")),
        (MOW.rate, 2001, D("37.00")),
        (MOW.rate, 10_000, D("79.00")),
        (AIR.rate, 500, D("30.00")),
        (AIR.rate, 501, D("42.00")),  # air steps by half a kilo
        (AIR.rate, 2710, D("90.00")),
        (RateTable(1000, D("12.5"), 500, D("1.255")), 1600, D("15.02")),  # prices kept to the fen
    ],
)
def test_price_is_first_weight_plus_each_started_step(rate, grams, cost):
    assert shipping_cost(rate, grams) == cost


@pytest.mark.parametrize(
    ("items", "divisor", "grams"),
    [
        ([item(weight_g=1000, dims=(400, 300, 200))], 5000, 4800),  # 24,000 cm3 / 5000
        ([item(weight_g=1000, dims=(400, 300, 200))], 6000, 4000),
        ([item(quantity=2, weight_g=1000, dims=(400, 300, 200))], 5000, 9600),
        ([item(weight_g=5000, dims=(100, 100, 100))], 5000, 5000),  # dense: actual weight
        ([item(weight_g=1, dims=(100, 101, 101))], 5000, 205),  # 204.02 g rounds up
        ([item("A", weight_g=3000, dims=(100, 100, 100)), item("B", weight_g=10, dims=(500, 500, 100))],
         5000, 5200),  # volumes add up before comparing
    ],
)  # fmt: skip
def test_chargeable_weight_is_the_greater_of_actual_and_volumetric(items, divisor, grams):
    assert chargeable_weight_g(items, divisor) == grams


def test_each_option_prices_its_line_on_chargeable_weight():
    bulky = item(weight_g=1000, dims=(400, 300, 200))
    options = single_lines(ask(bulky, "KZ", "Almaty", MONDAY))
    assert (options["KHG-FRU-TRUCK"].shipments[0].chargeable_weight_g, options["KHG-FRU-TRUCK"].cost) == (
        4800, D("40.00"),
    )  # fmt: skip
    air = options["KHG-AIR"]
    assert (air.shipments[0].chargeable_weight_g, air.cost) == (4000, D("114.00"))
    assert options["KHG-RAIL"].cost == D("27.00")


# --- splitting -----------------------------------------------------------------------------

PERFUME = item("FR-PERFUME-50", weight_g=1000, flags={"perfume", "liquid"}, value="600.00")
APRICOTS = item("UZ-APRICOT-1K", weight_g=1050, dims=(250, 180, 60), value="45.00", tax_class="food")
CHEESE = item("KG-CHEESE-1K", weight_g=2000, flags={"perishable"}, value="80.00", tax_class="food")


def test_order_no_single_line_can_carry_is_split_across_lines():
    result = ask([PERFUME, CHEESE], "UZ", "Tashkent", MONDAY)
    [option] = result.options
    assert option.labels == ("recommended", "fastest", "cheapest")
    assert [(s.line, s.items) for s in option.shipments] == [
        ("KHG-AIR", (("KG-CHEESE-1K", 1),)),  # air leaves first, rail refuses perishables
        ("KHG-RAIL", (("FR-PERFUME-50", 1),)),  # and air refuses the perfume
    ]
    assert option.cost == D("81.00")  # 66.00 by air + 15.00 by rail
    assert (option.delivery_earliest, option.delivery_latest) == (date(2026, 6, 16), date(2026, 6, 22))
    assert set(ruled(result)) == ALL_CODES - {"KHG-AIR", "KHG-RAIL"}


def test_perfume_and_apricots_to_islamabad_in_winter_is_ruled_out_not_split():
    result = ask([PERFUME, APRICOTS], "PK", "Islamabad", sh(2027, 1, 12))
    assert result.options == ()
    assert result.unshippable == ("FR-PERFUME-50",)  # apricots alone could fly
    assert ruled(result)["KHG-AIR"] == ("goods_refused", {"flag": "liquid"})
    assert ruled(result)["KHG-PK-TRUCK"] == ("closed_season", {"until": date(2027, 4, 1)})
    assert {code for code, _ in ruled(result).values()} <= set(REASON_CODES)


def test_perfume_and_apricots_to_islamabad_in_summer_go_together_by_truck():
    result = ask([PERFUME, APRICOTS], "PK", "Islamabad", MONDAY)
    [option] = result.options
    assert [s.line for s in option.shipments] == ["KHG-PK-TRUCK"]
    assert option.shipments[0].items == (("FR-PERFUME-50", 1), ("UZ-APRICOT-1K", 1))
    assert ruled(result)["KHG-AIR"] == ("goods_refused", {"flag": "liquid"})


def test_no_split_is_offered_when_one_line_carries_everything_as_early():
    result = ask([item("A"), item("B", flags={"perfume"})], "KZ", "Almaty", MONDAY)
    assert all(len(option.shipments) == 1 for option in result.options)
    assert set(single_lines(result)) == {"KHG-FRU-TRUCK", "KHG-RAIL"}


def test_a_split_that_arrives_strictly_earlier_is_offered_besides_the_single_lines():
    # Monday's Bishkek truck has 5 kg left: the 24 kg order waits for Thursday's, while the
    # perfume alone still makes Monday's and the apricots fly.
    perfume = item("FR-PERFUME-4K", weight_g=4000, flags={"perfume"})
    apricots = item("UZ-APRICOT-20K", weight_g=20_000, dims=(400, 300, 200))
    booked = fru_booked(date(2026, 6, 1), kg="4995")
    result = ask([perfume, apricots], "KZ", "Almaty", MONDAY, booked=booked)

    truck, split, rail = result.options
    # The split is fastest, but the truck alone arrives three days later for a quarter of the price.
    assert (truck.shipments[0].line, truck.labels) == ("KHG-FRU-TRUCK", ("recommended",))
    assert split.labels == ("fastest",)
    assert [(s.line, s.items, s.departure) for s in split.shipments] == [
        ("KHG-AIR", (("UZ-APRICOT-20K", 1),), sh(2026, 6, 1, 12)),
        ("KHG-FRU-TRUCK", (("FR-PERFUME-4K", 1),), sh(2026, 6, 1, 17)),
    ]
    assert (split.delivery_earliest, split.delivery_latest) == (date(2026, 6, 9), date(2026, 6, 10))
    assert [(o.shipments[0].line, o.delivery_earliest, o.labels) for o in (truck, rail)] == [
        ("KHG-FRU-TRUCK", date(2026, 6, 12), ("recommended",)),
        ("KHG-RAIL", date(2026, 6, 16), ("cheapest",)),
    ]
    assert split.cost == D("498.00") + D("35.00")


# --- taxes ---------------------------------------------------------------------------------

CREAM = item("RU-CREAM-50", quantity=3, weight_g=120, dims=(60, 60, 70), value="129.00",
             tax_class="cosmetics_high")


def test_orders_to_china_pay_cross_border_import_tax_by_class():
    [option] = ask([APRICOTS, CREAM], "CN", "Urumqi", MONDAY).options
    assert (option.tax_kind, option.taxes, option.over_order_limit) == ("import", D("92.08"), False)
    assert option.shipments[0].line == "CN-BONDED"


@pytest.mark.parametrize(("value", "over"), [("5000.00", False), ("5000.01", True)])
def test_orders_to_china_over_five_thousand_are_flagged(value, over):
    [option] = ask(item(value=value), "CN", "Kashgar", MONDAY).options
    assert option.over_order_limit is over
    assert option.taxes == (D(value) * D("0.0910")).quantize(D("0.01"))


def test_an_unknown_tax_class_to_china_is_an_error():
    with pytest.raises(UnknownTaxClass):
        ask(item(tax_class="spaceships"), "CN", "Urumqi", MONDAY)


EAEU = {"RU": DutyRule("RU", D("200"), "EUR", D("0.05"), "parcel")}
EUR = {"EUR": D("7.80")}


@pytest.mark.parametrize(("value", "duty"), [("1560.00", D("0.00")), ("2000.00", D("22.00"))])
def test_russian_parcels_above_200_euro_pay_eaeu_duty(value, duty):
    result = ask(item(value=value), "RU", "Moscow", MONDAY, duty_rules=EAEU, cny_per_unit=EUR)
    assert {(o.tax_kind, o.taxes, o.over_order_limit) for o in result.options} == {("export", duty, False)}


def test_destinations_without_a_duty_rule_pay_nothing():
    result = ask(item(value="9000"), "KG", "Bishkek", MONDAY, duty_rules=EAEU, cny_per_unit=EUR)
    assert {(o.tax_kind, o.taxes) for o in result.options} == {("export", D("0.00"))}


def test_a_duty_rule_without_an_exchange_rate_is_an_error():
    with pytest.raises(MissingExchangeRate) as raised:
        ask(item(), "RU", "Moscow", MONDAY, duty_rules=EAEU, cny_per_unit={})
    assert raised.value.currency == "EUR"


@pytest.mark.parametrize(("per", "duty"), [("parcel", D("0.00")), ("month", D("72.00"))])
def test_duty_counts_per_parcel_or_on_the_whole_order_for_monthly_allowances(per, duty):
    # USD 200 is 1,420 CNY: each parcel is under it, the order (2,140 CNY) is 720 over.
    rules = {"UZ": DutyRule("UZ", D("200"), "USD", D("0.10"), per)}
    perfume = dataclasses.replace(PERFUME, unit_value_cny=D("1070"))
    cheese = dataclasses.replace(CHEESE, unit_value_cny=D("1070"))
    [option] = ask([perfume, cheese], "UZ", "Tashkent", MONDAY, duty_rules=rules,
                   cny_per_unit={"USD": D("7.10")}).options  # fmt: skip
    assert len(option.shipments) == 2
    assert option.taxes == duty


# --- ranking and labels --------------------------------------------------------------------


def test_options_are_ranked_earliest_delivery_first_and_labelled():
    result = ask([APRICOTS, CREAM], "KZ", "Almaty", MONDAY)
    assert [(o.shipments[0].line, o.labels) for o in result.options] == [
        ("KHG-AIR", ("recommended", "fastest")),
        ("KHG-FRU-TRUCK", ()),
        ("KHG-RAIL", ("cheapest",)),
    ]


def test_fastest_is_the_surest_arrival_and_may_differ_from_recommended():
    wide = dataclasses.replace(AIR, code="AIR-WIDE", transit_days_min=2, transit_days_max=10)
    narrow = dataclasses.replace(AIR, code="AIR-NARROW", transit_days_min=3, transit_days_max=4)
    result = ask(item(), "TJ", "Dushanbe", MONDAY, lines=[wide, narrow])
    assert [(o.shipments[0].line, o.labels) for o in result.options] == [
        # Same price: the line sure to have arrived six days sooner is recommended, though the
        # other could arrive a day sooner.
        ("AIR-NARROW", ("recommended", "fastest", "cheapest")),
        ("AIR-WIDE", ()),
    ]


def test_recommended_is_the_cheapest_arriving_within_three_days_of_the_fastest_not_the_dearest():
    slow = dataclasses.replace(AIR, code="AIR-SLOW", transit_days_min=4, transit_days_max=7,
                               rate=RateTable(500, D("20.00"), 500, D("5.00")))
    slower = dataclasses.replace(AIR, code="AIR-SLOWER", transit_days_min=5, transit_days_max=8,
                                 rate=RateTable(500, D("10.00"), 500, D("2.00")))
    assert RECOMMENDED_SLACK_DAYS == 3
    result = ask(item(), "TJ", "Dushanbe", MONDAY, lines=[AIR, slow, slower])
    # AIR is sure by day 4, AIR-SLOW (cheaper) by day 7: three days later; AIR-SLOWER, cheapest, is too late.
    assert [(o.shipments[0].line, o.labels) for o in result.options] == [
        ("AIR-SLOW", ("recommended",)),
        ("KHG-AIR", ("fastest",)),
        ("AIR-SLOWER", ("cheapest",)),
    ]


def test_equal_deliveries_recommend_the_cheaper_line():
    dear = dataclasses.replace(AIR, code="AIR-DEAR", rate=RateTable(500, D("99.00"), 500, D("12.00")))
    result = ask(item(), "TJ", "Dushanbe", MONDAY, lines=[dear, AIR])
    assert [(o.shipments[0].line, o.labels) for o in result.options] == [
        ("KHG-AIR", ("recommended", "fastest", "cheapest")),
        ("AIR-DEAR", ()),
    ]


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "now", "code"),
    [
        ([], MONDAY, "no_items"),
        ([item(quantity=0)], MONDAY, "quantity"),
        ([item(quantity=1000)], MONDAY, "quantity"),
        ([item(quantity=-1)], MONDAY, "quantity"),
        ([item(dims=(0, 10, 10))], MONDAY, "bad_item"),
        ([item(weight_g=-1)], MONDAY, "bad_item"),
        ([item("A"), item("A")], MONDAY, "duplicate_sku"),
        ([item()], datetime(2026, 6, 1, 10), "naive_datetime"),
    ],
)
def test_unusable_requests_raise_invalid_quote_request(items, now, code):
    with pytest.raises(InvalidQuoteRequest) as raised:
        ask(items, "RU", "Moscow", now)
    assert raised.value.code == code


def test_quantity_999_is_allowed():
    assert ask(item(quantity=999, weight_g=1), "RU", "Moscow", MONDAY).options


def test_next_departure_refuses_a_naive_datetime():
    with pytest.raises(InvalidQuoteRequest, match="naive_datetime"):
        next_departure(MOW, datetime(2026, 6, 1, 10))


@pytest.mark.parametrize(
    "change",
    [{"mode": "boat"}, {"weekdays": frozenset({7})}, {"transit_days_min": 5, "transit_days_max": 4},
     {"volumetric_divisor": 0}, {"cutoff": time(18, tzinfo=SHANGHAI)}],
)  # fmt: skip
def test_unroutable_line_data_is_refused(change):
    with pytest.raises(InvalidLine):
        dataclasses.replace(MOW, **change)


def test_lines_and_items_accept_lists_from_the_database():
    line = dataclasses.replace(MOW, weekdays=[1, 4], refused_flags=["battery"], closures=[])
    assert line.weekdays == frozenset({1, 4}) and line.closures == ()
    listed = Item("A", 1, 100, [10, 10, 10], D("1"), ["battery"])
    assert ruled(ask(listed, "RU", "Moscow", MONDAY, lines=[line]))["KHG-MOW-TRUCK"][0] == "goods_refused"


def test_routing_and_customs_import_only_the_standard_library_and_holidays():
    domain = Path(__file__).resolve().parents[2] / "shop" / "domain"
    for name in ("routing.py", "customs.py"):
        tree = ast.parse((domain / name).read_text(encoding="utf-8"))
        roots = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names}  # fmt: skip
        roots |= {node.module.split(".")[0] for node in ast.walk(tree)
                  if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module}  # fmt: skip
        assert roots - set(sys.stdlib_module_names) <= {"holidays"}, name


# --- properties ----------------------------------------------------------------------------

DESTINATIONS = [("RU", "Moscow"), ("RU", "Omsk"), ("KG", "Bishkek"), ("KG", "Osh"), ("KZ", "Almaty"),
                ("KZ", "Astana"), ("PK", "Islamabad"), ("PK", "Karachi"), ("UZ", "Tashkent"),
                ("TJ", "Dushanbe"), ("CN", "Urumqi"), ("AF", "Kabul")]  # fmt: skip
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def items_strategy(draw):
    count = draw(st.integers(1, 4))
    return [
        Item(
            sku=f"SKU-{n}",
            quantity=draw(st.integers(1, 4)),
            weight_g=draw(st.integers(1, 16_000)),
            dims_mm=tuple(draw(st.lists(st.integers(10, 1300), min_size=3, max_size=3))),
            unit_value_cny=D(draw(st.integers(1, 300_000))) / 100,
            goods_flags=frozenset(draw(st.sets(st.sampled_from(GOODS_FLAGS), max_size=2))),
            tax_class=draw(st.sampled_from(["food", "general", "cosmetics_high"])),
        )
        for n in range(count)
    ]


moments = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2028, 12, 31),
    timezones=st.sampled_from([SHANGHAI, UTC, ZoneInfo("Asia/Karachi")]),
)


@st.composite
def bookings(draw, now):
    today = now.astimezone(SHANGHAI).date()
    taken = {}
    for _ in range(draw(st.integers(0, 6))):
        line = draw(st.sampled_from(LINES))
        day = today + timedelta(days=draw(st.integers(0, 20)))
        taken[(line.code, day)] = (line.capacity_kg - draw(st.integers(0, 40)), D(0))
    return taken


_listed_holidays: dict[int, set[date]] = {}


def listed_cn_holiday(day):
    if day.year not in _listed_holidays:
        _listed_holidays[day.year] = set(holidays.country_holidays("CN", years=day.year))
    return day in _listed_holidays[day.year]


BY_CODE = {line.code: line for line in LINES}


@PROPERTY_SETTINGS
@given(items=items_strategy(), where=st.sampled_from(DESTINATIONS), now=moments, data=st.data())
def test_any_quote_keeps_the_routing_promises(items, where, now, data):
    booked = data.draw(bookings(now))
    result = ask(items, *where, now, booked=booked, duty_rules=EAEU, cny_per_unit=EUR)
    wanted = sorted((i.sku, i.quantity) for i in items)
    used = set()
    for option in result.options:
        # Every option carries every item exactly once.
        assert sorted(pair for s in option.shipments for pair in s.items) == wanted
        assert len({s.line for s in option.shipments}) == len(option.shipments)
        assert option.cost == sum(s.cost for s in option.shipments)
        assert option.delivery_earliest == max(s.delivery_earliest for s in option.shipments)
        assert option.delivery_latest == max(s.delivery_latest for s in option.shipments)
        for shipment in option.shipments:
            line = BY_CODE[shipment.line]
            used.add(line.code)
            carried = [i for i in items if i.sku in {sku for sku, _ in shipment.items}]
            day = shipment.departure.astimezone(SHANGHAI).date()
            # No shipment on a line that refuses its goods, cannot take it, or is shut that day.
            assert not any(i.goods_flags & line.refused_flags for i in carried)
            assert sum(i.weight_g * i.quantity for i in carried) <= line.max_parcel_weight_g
            assert all(max(i.dims_mm) <= line.max_parcel_side_mm for i in carried)
            assert day.weekday() in line.weekdays
            assert not any(c.covers(day) for c in line.closures)
            assert not (line.closes_on_cn_holidays and listed_cn_holiday(day))
            assert shipment.departure > now
            assert shipment.departure.timetz().replace(tzinfo=None) == line.cutoff
            # Delivery never precedes departure.
            assert shipment.departure.date() < shipment.delivery_earliest <= shipment.delivery_latest
            assert shipment.chargeable_weight_g == chargeable_weight_g(carried, line.volumetric_divisor)
            assert shipment.cost == shipping_cost(line.rate, shipment.chargeable_weight_g)
    # Each line is either used or ruled out with a known code, never both.
    assert used.isdisjoint(r.line for r in result.ruled_out)
    assert used | {r.line for r in result.ruled_out} == ALL_CODES
    assert all(r.code in REASON_CODES for r in result.ruled_out)
    if result.options:
        assert result.options[0].labels[0] == "recommended"
        for label in ("recommended", "fastest", "cheapest"):
            assert sum(label in o.labels for o in result.options) == 1
        cheapest = next(o for o in result.options if "cheapest" in o.labels)
        assert cheapest.cost + cheapest.taxes == min(o.cost + o.taxes for o in result.options)
        # The recommended one leads: the cheapest of those arriving at most RECOMMENDED_SLACK_DAYS
        # after the surest arrival; the others follow by delivery.
        first, rest = result.options[0], result.options[1:]
        soonest = min(o.delivery_latest for o in result.options)
        in_time = [o for o in result.options if o.delivery_latest <= soonest + timedelta(RECOMMENDED_SLACK_DAYS)]
        assert first in in_time
        assert first.cost + first.taxes == min(o.cost + o.taxes for o in in_time)
        keys = [(o.delivery_earliest, o.delivery_latest) for o in rest]
        assert keys == sorted(keys)
    assert ask(items, *where, now, booked=booked, duty_rules=EAEU, cny_per_unit=EUR) == result


@PROPERTY_SETTINGS
@given(
    rate=st.builds(RateTable, st.integers(0, 3000), st.integers(0, 10_000).map(lambda c: D(c) / 100),
                   st.integers(1, 2000), st.integers(0, 5_000).map(lambda c: D(c) / 100)),
    light=st.integers(0, 200_000),
    extra=st.integers(0, 200_000),
)  # fmt: skip
def test_cost_never_falls_when_weight_rises(rate, light, extra):
    assert shipping_cost(rate, light) <= shipping_cost(rate, light + extra)


@PROPERTY_SETTINGS
@given(items=items_strategy(), where=st.sampled_from(DESTINATIONS), now=moments,
       extra=st.integers(1, 5000), which=st.integers(0, 3))  # fmt: skip
def test_a_heavier_order_never_costs_less_on_any_line(items, where, now, extra, which):
    heavier = list(items)
    n = which % len(items)
    heavier[n] = dataclasses.replace(items[n], weight_g=items[n].weight_g + extra)
    before = single_lines(ask(items, *where, now))
    after = single_lines(ask(heavier, *where, now))
    for code in before.keys() & after.keys():
        assert after[code].cost >= before[code].cost
        assert after[code].shipments[0].chargeable_weight_g >= before[code].shipments[0].chargeable_weight_g


def test_a_duty_rule_counts_only_from_its_start_day():
    rules = {"RU": DutyRule("RU", D("200"), "EUR", D("0.05"), "parcel", valid_from=MONDAY.date() + timedelta(1))}
    before = ask(item(value="2000.00"), "RU", "Moscow", MONDAY, duty_rules=rules, cny_per_unit=EUR)
    after = ask(item(value="2000.00"), "RU", "Moscow", MONDAY + timedelta(days=1), duty_rules=rules,
                cny_per_unit=EUR)
    assert {o.taxes for o in before.options} == {D("0.00")}
    assert {o.taxes for o in after.options} == {D("22.00")}


def test_a_monthly_allowance_in_a_quote_counts_the_recipients_earlier_orders():
    rules = {"UZ": DutyRule("UZ", D("200"), "USD", D("0.30"), "month")}
    usd = {"USD": D("7.10")}
    first = ask(item(value="1000.00"), "UZ", "Tashkent", MONDAY, duty_rules=rules, cny_per_unit=usd)
    second = ask(item(value="1000.00"), "UZ", "Tashkent", MONDAY, duty_rules=rules, cny_per_unit=usd,
                 duty_already_cny=D("1000.00"))
    assert {o.taxes for o in first.options} == {D("0.00")}
    assert {o.taxes for o in second.options} == {D("174.00")}
