"""POST /api/v1/quote: the shapes of CONTRACT.md, routing to each demo destination, and a JSON
error for every kind of bad input, in the caller's language."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

MONEY = re.compile(r"^\d+\.\d{2}$")


@pytest.fixture
def world(shared_world, clock):
    """These tests only read: one seeded database per backend for the whole module."""
    return shared_world


def body(country="RU", city="Moscow", items=(("RU-PERFUME-50", 1),), date=None):
    data = {"destination": {"country": country, "city": city},
            "items": [{"sku": sku, "quantity": quantity} for sku, quantity in items]}
    if date is not None:
        data["date"] = date
    return data


def by_line(answer):
    return {s["line"]: (option, s) for option in answer["options"] for s in option["shipments"]
            if len(option["shipments"]) == 1}


def ruled(answer):
    return {r["line"]: r for r in answer["ruled_out"]}


# ---- happy paths ------------------------------------------------------------------------

def test_moscow_quote_has_the_contract_shape(api):
    response = api(body(items=[("RU-PERFUME-50", 2)], date="2026-12-01"))
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["destination"] == {"country": "RU", "city": "Moscow"}
    truck_option, truck = by_line(answer)["KHG-MOW-TRUCK"]
    assert truck == {
        "line": "KHG-MOW-TRUCK", "line_name": "Kashgar–Moscow truck", "mode": "truck",
        "items": [{"sku": "RU-PERFUME-50", "quantity": 2}],
        "departure": "2026-12-01T18:00:00+08:00",
        "delivery": {"earliest": "2026-12-16", "latest": "2026-12-18"},
        "chargeable_weight_g": 600, "cost": {"amount": "25.00", "currency": "CNY"},
    }
    assert truck_option["taxes"] == {"amount": "0.00", "currency": "CNY", "kind": "export"}
    assert truck_option["cost"] == {"amount": "25.00", "currency": "CNY"}
    assert truck_option["delivery"] == {"earliest": "2026-12-16", "latest": "2026-12-18"}
    assert set(truck_option["labels"]) <= {"recommended", "fastest", "cheapest"}
    assert "KHG-RAIL" in by_line(answer)
    assert "recommended" in answer["options"][0]["labels"]
    assert ruled(answer)["KHG-AIR"]["code"] == "not_served_country"
    for option in answer["options"]:
        assert MONEY.match(option["cost"]["amount"]) and MONEY.match(option["taxes"]["amount"])


def test_every_option_and_shipment_matches_the_openapi_description(api):
    from shop.web.api.openapi import QUOTE
    answer = api(body(items=[("KG-HONEY-500", 3)], country="KG", city="Bishkek")).get_json()
    assert set(QUOTE["required"]) <= set(answer)
    option_schema = QUOTE["properties"]["options"]["items"]
    shipment_schema = option_schema["properties"]["shipments"]["items"]
    for option in answer["options"]:
        assert set(option_schema["required"]) <= set(option)
        for shipment in option["shipments"]:
            assert set(shipment_schema["required"]) <= set(shipment)
            assert dt.datetime.fromisoformat(shipment["departure"]).utcoffset() == dt.timedelta(hours=8)


def test_bishkek_gets_air_first_and_the_truck_beside_it(api):
    answer = api(body(country="KG", city="Bishkek", items=[("KG-HONEY-500", 1)], date="2026-12-01")).get_json()
    lines = by_line(answer)
    assert set(lines) == {"KHG-AIR", "KHG-FRU-TRUCK"}
    assert answer["options"][0]["shipments"][0]["line"] == "KHG-AIR"
    assert "fastest" in answer["options"][0]["labels"]
    air = lines["KHG-AIR"][1]
    assert air["departure"] == "2026-12-01T12:00:00+08:00"
    assert air["delivery"] == {"earliest": "2026-12-04", "latest": "2026-12-06"}
    assert ruled(answer)["KHG-PK-TRUCK"]["code"] == "not_served_country"


def test_a_city_written_in_cyrillic_is_routed_like_its_latin_name(api):
    answer = api(body(country="kg", city="Бишкек", items=[("KG-HONEY-500", 1)])).get_json()
    assert answer["destination"] == {"country": "KG", "city": "Bishkek"}
    assert {"KHG-AIR", "KHG-FRU-TRUCK"} == set(by_line(answer))


def test_islamabad_in_winter_has_no_line_for_perfume_and_says_when_the_pass_reopens(api):
    answer = api(body(country="PK", city="Islamabad", items=[("RU-PERFUME-50", 1)], date="2026-12-10")).get_json()
    assert answer["options"] == []
    assert answer["unshippable"] == ["RU-PERFUME-50"]
    truck = ruled(answer)["KHG-PK-TRUCK"]
    assert truck["code"] == "closed_season" and truck["params"] == {"until": "2027-04-01"}
    assert truck["reason"] == "Closed for the season until April 1"
    air = ruled(answer)["KHG-AIR"]
    assert (air["code"], air["reason"]) == ("goods_refused", "Cannot carry perfume by air")


def test_islamabad_in_winter_still_flies_what_may_fly(api):
    answer = api(body(country="PK", city="Islamabad", items=[("KG-HONEY-500", 1)], date="2026-12-10")).get_json()
    assert set(by_line(answer)) == {"KHG-AIR"}
    assert ruled(answer)["KHG-PK-TRUCK"]["code"] == "closed_season"


def test_islamabad_in_summer_takes_perfume_by_the_khunjerab_truck(api):
    answer = api(body(country="PK", city="Islamabad", items=[("RU-PERFUME-50", 1)], date="2027-06-10")).get_json()
    truck = by_line(answer)["KHG-PK-TRUCK"][1]
    assert truck["departure"] == "2027-06-12T16:00:00+08:00"  # Saturday
    assert truck["delivery"] == {"earliest": "2027-06-20", "latest": "2027-06-22"}
    assert ruled(answer)["KHG-AIR"]["code"] == "goods_refused"


def test_shanghai_import_carries_cross_border_tax(api):
    answer = api(body(country="CN", city="Shanghai", items=[("RU-PERFUME-50", 1), ("KZ-LIEBA-SOFT", 2)])).get_json()
    option = answer["options"][0]
    assert option["shipments"][0]["line"] == "CN-BONDED"
    # cosmetics_high 23.06% of 480 + food 6.3% of 50
    assert option["taxes"] == {"amount": f"{Decimal('480') * Decimal('0.2306') + Decimal('50') * Decimal('0.063'):.2f}",
                               "currency": "CNY", "kind": "import"}
    assert option["over_order_limit"] is False
    assert answer["notices"] == []


def test_shanghai_import_over_five_thousand_yuan_is_flagged(api):
    answer = api(body(country="CN", city="Shanghai", items=[("PK-CARPET-SILK", 2)])).get_json()
    assert answer["options"] and all(o["over_order_limit"] for o in answer["options"])
    assert [n["code"] for n in answer["notices"]] == ["over_order_limit"]
    assert "5,000.00" in answer["notices"][0]["message"]


def test_export_above_the_duty_free_threshold_estimates_duty(api):
    # EUR 200 at 0.13 EUR per CNY is about 1538 CNY; one carpet is 3200 CNY.
    answer = api(body(country="RU", city="Moscow", items=[("PK-CARPET-SILK", 1)])).get_json()
    taxes = answer["options"][0]["taxes"]
    threshold_cny = Decimal(200) * (Decimal(1) / Decimal("0.13"))
    assert taxes == {"amount": f"{((Decimal(3200) - threshold_cny) * Decimal('0.15')).quantize(Decimal('0.01'))}",
                     "currency": "CNY", "kind": "export"}


def test_tashkent_splits_perfume_onto_the_railway_and_bread_into_the_air(api):
    answer = api(body(country="UZ", city="Tashkent",
                      items=[("RU-PERFUME-50", 1), ("KZ-LIEBA-SOFT", 2)], date="2026-12-01")).get_json()
    assert answer["options"], answer
    split = answer["options"][0]
    carried = {s["line"]: s["items"] for s in split["shipments"]}
    assert carried == {"KHG-AIR": [{"sku": "KZ-LIEBA-SOFT", "quantity": 2}],
                       "KHG-RAIL": [{"sku": "RU-PERFUME-50", "quantity": 1}]}
    assert Decimal(split["cost"]["amount"]) == sum(Decimal(s["cost"]["amount"]) for s in split["shipments"])
    assert split["delivery"]["latest"] == max(s["delivery"]["latest"] for s in split["shipments"])
    assert "KHG-AIR" not in ruled(answer) and "KHG-RAIL" not in ruled(answer)


def test_the_same_sku_twice_is_one_line_of_the_order(api):
    answer = api(body(items=[("RU-PERFUME-50", 1), ("RU-PERFUME-50", 2)])).get_json()
    assert answer["options"][0]["shipments"][0]["items"] == [{"sku": "RU-PERFUME-50", "quantity": 3}]


def test_without_a_date_the_quote_is_for_now(api, clock):
    clock.set(dt.datetime(2026, 12, 1, 17, 59, tzinfo=clock.now.tzinfo))
    truck = by_line(api(body()).get_json())["KHG-MOW-TRUCK"][1]
    assert truck["departure"] == "2026-12-01T18:00:00+08:00"
    clock.set(dt.datetime(2026, 12, 1, 18, 1, tzinfo=clock.now.tzinfo))
    truck = by_line(api(body()).get_json())["KHG-MOW-TRUCK"][1]
    assert truck["departure"] == "2026-12-04T18:00:00+08:00"


def test_a_valid_country_no_line_serves_is_answered_with_reasons(api):
    answer = api(body(country="FR", city="Paris")).get_json()
    assert answer["options"] == []
    assert {r["code"] for r in answer["ruled_out"]} == {"not_served_country"}


# ---- translated reasons -----------------------------------------------------------------

WINTER_PERFUME = body(country="PK", city="Islamabad", items=[("RU-PERFUME-50", 1)], date="2026-12-10")


@pytest.mark.parametrize("how", ["accept_language", "lang"])
@pytest.mark.parametrize("lang, season, air", [
    ("ru", "Закрыт на сезон до 1 апреля", "Авиатранспортом нельзя отправить: духи"),
    ("zh", "季节性停运，直至4月1日", "空运不能运输香水"),
    ("ur", "1 اپریل تک موسمی بندش", "ہوائی راستے سے یہ نہیں بھیجا جا سکتا: عطر"),
], ids=["ru", "zh", "ur"])
def test_reasons_speak_the_callers_language(api, how, lang, season, air):
    kwargs = {"accept_language": f"{lang},en;q=0.5"} if how == "accept_language" else {"lang": lang}
    response = api(WINTER_PERFUME, **kwargs)
    assert response.headers["Content-Language"] == lang
    reasons = ruled(response.get_json())
    assert reasons["KHG-PK-TRUCK"]["reason"] == season
    assert reasons["KHG-AIR"]["reason"] == air
    assert reasons["KHG-PK-TRUCK"]["line_name"] != "Khunjerab truck"


def test_lang_parameter_wins_over_accept_language(api):
    reasons = ruled(api(WINTER_PERFUME, lang="zh", accept_language="ru").get_json())
    assert reasons["KHG-AIR"]["reason"] == "空运不能运输香水"


# ---- bad input --------------------------------------------------------------------------

def error_of(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    error = response.get_json()["error"]
    assert set(error) >= {"code", "message"} and error["message"]
    return error


@pytest.mark.parametrize("raw", [b"", b"{", b"destination=RU", b"{\"items\": [}", b"\xff\xfe"])
def test_a_body_that_is_not_json_is_refused(api, raw):
    assert error_of(api(None, raw=raw), 400)["code"] == "invalid_json"


@pytest.mark.parametrize("payload, field", [
    ([], "body"), ("RU", "body"), (3, "body"), (None, "body"),
    ({"destination": "RU", "items": [{"sku": "RU-PERFUME-50", "quantity": 1}]}, "destination"),
    ({"destination": {"country": 7, "city": "Moscow"}, "items": [{"sku": "RU-PERFUME-50", "quantity": 1}]},
     "destination.country"),
    ({"destination": {"country": "RU", "city": ["Moscow"]}, "items": [{"sku": "RU-PERFUME-50", "quantity": 1}]},
     "destination.city"),
    ({"destination": {"country": "RU", "city": "Moscow"}, "items": {"sku": "RU-PERFUME-50", "quantity": 1}}, "items"),
    ({"destination": {"country": "RU", "city": "Moscow"}, "items": ["RU-PERFUME-50"]}, "items[0]"),
    ({"destination": {"country": "RU", "city": "Moscow"}, "items": [{"sku": 12, "quantity": 1}]}, "items[0].sku"),
    ({"destination": {"country": "RU", "city": "Moscow"}, "items": [{"sku": "RU-PERFUME-50", "quantity": 1}],
      "date": 20261201}, "date"),
])
def test_wrong_types_anywhere_are_refused_naming_the_field(api, payload, field):
    raw = None if payload is not None else b"null"
    response = api(payload, raw=raw) if raw is None else api(None, raw=raw)
    error = error_of(response, 400)
    assert error["code"] == "invalid_type"
    assert error["field"] == field


@pytest.mark.parametrize("payload, field", [
    ({"items": [{"sku": "RU-PERFUME-50", "quantity": 1}]}, "destination"),
    ({"destination": {"city": "Moscow"}, "items": [{"sku": "RU-PERFUME-50", "quantity": 1}]}, "destination.country"),
    ({"destination": {"country": "RU", "city": "Moscow"}}, "items"),
    ({"destination": {"country": "RU", "city": "Moscow"}, "items": [{"quantity": 1}]}, "items[0].sku"),
    ({"destination": {"country": "RU", "city": "Moscow"}, "items": [{"sku": "RU-PERFUME-50"}]}, "items[0].quantity"),
])
def test_missing_parts_are_refused_naming_the_field(api, payload, field):
    error = error_of(api(payload), 400)
    assert (error["code"], error["field"]) == ("missing_field", field)


def test_empty_items_are_refused(api):
    assert error_of(api(body(items=[])), 422)["code"] == "no_items"


@pytest.mark.parametrize("country", ["XX", "RUS", "R", "", "ZZ", "12", "EU"])
def test_an_unknown_country_is_refused(api, country):
    error = error_of(api(body(country=country)), 422)
    assert (error["code"], error["field"]) == ("unknown_country", "destination.country")


def test_an_unknown_sku_is_refused_naming_it(api):
    error = error_of(api(body(items=[("RU-PERFUME-50", 1), ("NO-SUCH-SKU", 1)])), 422)
    assert (error["code"], error["sku"], error["field"]) == ("unknown_sku", "NO-SUCH-SKU", "items[1].sku")


@pytest.mark.parametrize("quantity", [0, -1, 2.5, 1.0, "2", True, None, 1000, 10**12, [1], {"n": 1}])
def test_a_quantity_that_is_not_a_sensible_whole_number_is_refused(api, quantity):
    payload = {"destination": {"country": "RU", "city": "Moscow"},
               "items": [{"sku": "RU-PERFUME-50", "quantity": quantity}]}
    error = error_of(api(payload), 422)
    assert (error["code"], error["field"]) == ("invalid_quantity", "items[0].quantity")


def test_repeated_skus_adding_up_past_the_limit_are_refused(api):
    error = error_of(api(body(items=[("RU-PERFUME-50", 600), ("RU-PERFUME-50", 600)])), 422)
    assert error["code"] == "invalid_quantity"


@pytest.mark.parametrize("date", ["tomorrow", "2026-13-01", "2026-02-30", "01/12/2026", "20261201", "2026-12-1",
                                  "2026-12-01T10:00:00", ""])
def test_a_date_that_is_not_a_date_is_refused(api, date):
    error = error_of(api(body(date=date)), 422)
    assert (error["code"], error["field"]) == ("invalid_date", "date")


def test_a_past_date_is_quoted_as_an_order_placed_now(api):
    today = api(body()).get_json()
    for past in ("2026-11-29", "2026-11-29T10:00:00+08:00"):
        response = api(body(date=past))
        assert response.status_code == 200
        assert response.get_json()["options"] == today["options"]  # the same departures as today's
    assert api(body(date="2026-11-30")).status_code == 200
    assert api(body(date="2026-11-30T12:00:00+08:00")).status_code == 200


def test_a_date_more_than_a_year_ahead_is_refused(api):
    assert error_of(api(body(date="2028-01-01")), 422)["code"] == "date_too_far"


def test_an_oversized_body_is_refused(api):
    assert error_of(api(None, raw=b" " * (70 * 1024) + b"{}"), 413)["code"] == "too_large"


@pytest.mark.parametrize("lang, words", [("ru", "артикул"), ("zh", "商品"), ("ur", "پروڈکٹ")], ids=["ru", "zh", "ur"])
def test_error_messages_are_translated(api, lang, words):
    error = error_of(api(body(items=[("NO-SUCH-SKU", 1)]), accept_language=lang), 422)
    assert words in error["message"]


def test_the_quote_needs_no_csrf_token_and_answers_get_with_405(world):
    client = world.test_client()
    assert client.post("/api/v1/quote", json=body()).status_code == 200
    assert error_of(client.get("/api/v1/quote"), 405)["code"] == "method_not_allowed"
