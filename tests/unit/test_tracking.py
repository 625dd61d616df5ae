"""Checking a carrier's report (shop.domain.tracking): what it must hold, how its time is read, and what
a parcel's status becomes because of it."""
import datetime as dt

import pytest

from shop.domain.tracking import (
    FUTURE_SLACK,
    CarrierStatus,
    InvalidEvent,
    parse_event,
    shipment_status_after,
    takes_events,
    tracking_number,
)

NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)


def problems(body) -> dict[str, str]:
    with pytest.raises(InvalidEvent) as refused:
        parse_event(body, NOW)
    return refused.value.problems


def test_a_report_is_read_in_utc_to_the_second_with_its_text_trimmed():
    event = parse_event({"status": " Arrived_Hub ", "at": "2026-12-03T17:30:15.734+08:00",
                         "place": "  Almaty \t hub ", "note": "sorted\nto Moscow"}, NOW)
    assert event.status is CarrierStatus.ARRIVED_HUB
    assert event.at == dt.datetime(2026, 12, 3, 9, 30, 15, tzinfo=dt.UTC)
    assert (event.place, event.note) == ("Almaty hub", "sorted to Moscow")
    assert parse_event({"status": "delivered", "at": "2026-12-03T09:30:15Z"}, NOW).at == event.at


def test_every_problem_is_named_at_once():
    assert problems({}) == {"status": "missing", "at": "missing"}
    assert problems({"status": 3, "at": 3, "place": [], "note": {}}) == {
        "status": "not_a_string", "at": "not_a_string", "place": "not_a_string", "note": "not_a_string"}
    assert problems({"status": "lost_in_space", "at": "2026-12-03T10:00:00"}) == {
        "status": "unknown_status", "at": "needs_offset"}


@pytest.mark.parametrize("at, code", [
    ("2026-12-03 25:00:00Z", "not_iso"), ("yesterday", "not_iso"), ("9" * 5000, "not_iso"),
    ("2026-12-03T10:00:00+24:00", "not_iso"), ("2026-12-03T10:00\x00Z", "not_iso"),
    ((NOW + FUTURE_SLACK + dt.timedelta(seconds=1)).isoformat(), "in_future"), ("9999-12-31T23:59:59Z", "in_future"),
    ("2025-11-01T00:00:00Z", "too_old"), ("0001-01-01T00:00:00+00:00", "too_old"),
    ("0001-01-01T00:00:00+05:00", "too_old"), ("9999-12-31T23:59:59-05:00", "in_future"),
])
def test_a_time_that_cannot_be_the_reports_is_refused(at, code):
    assert problems({"status": "in_transit", "at": at}) == {"at": code}


def test_a_scanner_a_little_ahead_of_the_shop_is_believed():
    assert parse_event({"status": "in_transit", "at": (NOW + FUTURE_SLACK).isoformat()}, NOW).at == NOW + FUTURE_SLACK


@pytest.mark.parametrize("text, code", [
    ("x" * 121, "too_long"), ("Al\x00maty", "control_characters"), ("\x1b[31mred", "control_characters"),
    ("line\u2028break", "control_characters"), ("\ud800", "control_characters"),
])
def test_place_must_be_short_plain_text(text, code):
    assert problems({"status": "in_transit", "at": NOW.isoformat(), "place": text}) == {"place": code}


def test_a_note_holds_five_hundred_characters():
    assert parse_event({"status": "failed", "at": NOW.isoformat(), "note": "n" * 500}, NOW).note == "n" * 500
    assert problems({"status": "failed", "at": NOW.isoformat(), "note": "n" * 501}) == {"note": "too_long"}


def test_only_delivered_changes_the_parcel_and_only_once_it_has_left():
    assert shipment_status_after("shipped", CarrierStatus.DELIVERED) == "delivered"
    for status in CarrierStatus:
        if status is not CarrierStatus.DELIVERED:
            assert shipment_status_after("shipped", status) == "shipped"
        assert shipment_status_after("delivered", status) == "delivered"
    assert [s for s in ("pending", "picking", "packed", "shipped", "delivered", "cancelled") if takes_events(s)] == [
        "shipped", "delivered"]


def test_tracking_numbers_are_upper_case_letters_digits_and_dashes():
    assert tracking_number(" khg-mow-000123 ") == "KHG-MOW-000123"
    for bad in ("", "-KHG", "KHG/1", "KHG 1", "K" * 33, "ＫＨＧ１", "KHG\x00"):
        assert tracking_number(bad) is None
