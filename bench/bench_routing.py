"""Quotes per second for a three-item order over six express lines, beside a trivial reference."""

from __future__ import annotations

import time
from datetime import date, datetime
from datetime import time as clock
from decimal import Decimal

from shop.domain.customs import DutyRule
from shop.domain.routing import SHANGHAI, Closure, Destination, Item, Line, RateTable, quote

TARGET_PER_SECOND = 20_000


def six_lines() -> tuple[Line, ...]:
    def line(code, mode, serves, weekdays, cutoff, transit, rate, divisor=5000, refused=(),
             max_kg=100, side_mm=1500, capacity=(Decimal("5000"), Decimal("30")), **extra):
        return Line(
            code=code, mode=mode, serves=serves, weekdays=frozenset(weekdays), cutoff=clock(*cutoff),
            transit_days_min=transit[0], transit_days_max=transit[1], refused_flags=frozenset(refused),
            max_parcel_weight_g=max_kg * 1000, max_parcel_side_mm=side_mm,
            capacity_kg=capacity[0], capacity_m3=capacity[1],
            rate=RateTable(rate[0], Decimal(rate[1]), rate[2], Decimal(rate[3])),
            volumetric_divisor=divisor, **extra,
        )  # fmt: skip

    return (
        line("KHG-MOW-TRUCK", "truck", {"RU": frozenset({"Moscow"})}, {1, 4}, (18, 0), (14, 16),
             (1000, "25.00", 1000, "6.00")),
        line("KHG-FRU-TRUCK", "truck", {"KG": frozenset({"Bishkek", "Osh"}), "KZ": frozenset({"Almaty"})},
             {0, 3}, (17, 0), (7, 8), (1000, "20.00", 1000, "5.00"), closes_on_cn_holidays=True),
        line("KHG-PK-TRUCK", "truck", {"PK": frozenset({"Islamabad", "Lahore", "Karachi"})}, {2, 5},
             (16, 0), (7, 9), (1000, "20.00", 1000, "5.00"),
             closures=(Closure(date(2000, 12, 1), date(2001, 3, 31), True, "season", "Khunjerab"),)),
        line("KHG-AIR", "air", {"PK": frozenset({"Islamabad"}), "UZ": frozenset({"Tashkent"}),
                                "KG": frozenset({"Bishkek"}), "TJ": frozenset({"Dushanbe"}),
                                "KZ": frozenset({"Almaty", "Astana"})},
             {0, 1, 2, 3, 4, 5}, (12, 0), (2, 4), (500, "30.00", 500, "12.00"), divisor=6000,
             refused={"liquid", "aerosol", "perfume", "battery"}, max_kg=30, side_mm=1200,
             capacity=(Decimal("800"), Decimal("6"))),
        line("KHG-RAIL", "rail", {"UZ": frozenset(), "KZ": frozenset(), "RU": frozenset()}, {2},
             (15, 0), (12, 18), (1000, "15.00", 1000, "3.00"), refused={"perishable"}, max_kg=200,
             side_mm=2000, capacity=(Decimal("20000"), Decimal("80"))),
        line("CN-BONDED", "express", {"CN": frozenset()}, range(7), (15, 0), (3, 6),
             (1000, "12.00", 1000, "2.00"), max_kg=30, side_mm=1000),
    )  # fmt: skip


ITEMS = (
    Item("KG-HONEY-500", 2, 650, (90, 90, 120), Decimal("68.00"), frozenset({"fragile"}), "food"),
    Item("UZ-APRICOT-1K", 1, 1050, (250, 180, 60), Decimal("45.00"), frozenset(), "food"),
    Item("RU-CREAM-50", 3, 120, (60, 60, 70), Decimal("129.00"), frozenset(), "cosmetics_high"),
)
DESTINATION = Destination("KZ", "Almaty")
NOW = datetime(2026, 6, 2, 10, 30, tzinfo=SHANGHAI)
DUTY_RULES = {"KZ": DutyRule("KZ", Decimal("200"), "EUR", Decimal("0.15"), "parcel")}
RATES = {"EUR": Decimal("7.80")}


def _reference(items):
    # What any request handler does at least once: a dict of the same items.
    return {item.sku: (item.quantity, item.weight_g, item.unit_value_cny) for item in items}


def _per_second(call, seconds: float = 1.0) -> float:
    """Best of three timed runs, each long enough to dwarf the clock's resolution."""
    batch = 1
    while True:
        started = time.perf_counter()
        for _ in range(batch):
            call()
        elapsed = time.perf_counter() - started
        if elapsed > seconds / 10:
            break
        batch *= 2
    best = 0.0
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(batch * 5):
            call()
        best = max(best, batch * 5 / (time.perf_counter() - started))
    return best


def run() -> dict[str, float]:
    lines = six_lines()

    def one_quote():
        return quote(ITEMS, DESTINATION, NOW, lines, duty_rules=DUTY_RULES, cny_per_unit=RATES)

    assert one_quote().options, "the benchmark order must be routable"
    quotes = _per_second(one_quote)
    reference = _per_second(lambda: _reference(ITEMS))
    return {"quotes_per_s": quotes, "reference_per_s": reference, "ratio": quotes / reference}


def main() -> None:
    figures = run()
    print("routing: quote, 3 items over 6 lines")
    print(f"  quote()                 {figures['quotes_per_s']:>12,.0f} /s  (goal {TARGET_PER_SECOND:,} /s)")
    print(f"  reference (items dict)  {figures['reference_per_s']:>12,.0f} /s")
    print(f"  ratio quote/reference   {figures['ratio']:>12.4f}")
    from bench.harness import report
    report("routing.quote in process, 3 items over 6 lines, per s", f"{figures['quotes_per_s']:,.0f}",
           f"goal {TARGET_PER_SECOND:,}; reference (items dict) {figures['reference_per_s']:,.0f}/s, "
           f"ratio {figures['ratio']:.4f}")


if __name__ == "__main__":
    main()
