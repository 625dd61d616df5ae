"""Reading the ECB's daily rates and turning them into units per yuan."""
import datetime as dt
from decimal import Decimal

import pytest

from shop.domain.exchange import FeedError, parse_ecb_daily

FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <gesmes:subject>Reference rates</gesmes:subject>
  <Cube><Cube time="2026-12-02">
    <Cube currency="USD" rate="1.0500"/><Cube currency="CNY" rate="7.5000"/>
    <Cube currency="KZT" rate="540.00"/><Cube currency="JPY" rate="160.10"/>
  </Cube></Cube>
</gesmes:Envelope>"""


def test_rates_per_euro_become_rates_per_yuan():
    daily = parse_ecb_daily(FEED)
    assert daily.as_of == dt.date(2026, 12, 2)
    assert daily.per_cny["USD"] == Decimal("0.140000")
    assert daily.per_cny["KZT"] == Decimal("72.000000")
    assert daily.per_cny["EUR"] == Decimal("0.133333")
    assert "CNY" not in daily.per_cny


@pytest.mark.parametrize("document, reason", [
    (b"<not xml", "not_xml"),
    (FEED.replace(b'<Cube currency="CNY" rate="7.5000"/>', b""), "no_cny"),
    (FEED.replace(b' time="2026-12-02"', b""), "no_date"),
    (FEED.replace(b'rate="1.0500"', b'rate="-1"'), "bad_rate"),
    (FEED.replace(b'rate="1.0500"', b'rate="lots"'), "bad_rate"),
    (b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', "not_xml"),
    (b"<x>" + b" " * 1_000_001 + b"</x>", "too_large"),
])
def test_a_feed_that_is_not_ecb_daily_rates_is_refused_whole(document, reason):
    with pytest.raises(FeedError) as refused:
        parse_ecb_daily(document)
    assert refused.value.reason == reason
