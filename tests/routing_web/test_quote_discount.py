"""POST /api/v1/quote with a discount code: what it takes off in the answer, import taxes on the
price paid, and a JSON error with the reason (in the caller's language) for a code that cannot be used."""
from decimal import Decimal

from shop.domain import customs
from shop.extensions import db
from shop.models import Discount
from shop.services import discounts


def body(code, country="CN", city="Shanghai", items=(("RU-PERFUME-50", 1),)):
    return {"destination": {"country": country, "city": city}, "discount_code": code,
            "items": [{"sku": sku, "quantity": quantity} for sku, quantity in items]}


def make(world, **values):
    with world.app_context():
        discounts.save_discount({"kind": "percent", "value": "25", **values})


def test_a_percent_code_lowers_the_import_tax_and_is_answered_with_each_option(api, world):
    make(world, code="SPRING25")
    plain = api({**body(None)}).get_json()
    answer = api(body("spring25")).get_json()
    assert answer["discount"] == {"code": "SPRING25", "kind": "percent",
                                  "goods": {"amount": "120.00", "currency": "CNY"}, "skus": ["RU-PERFUME-50"]}
    option = answer["options"][0]
    rate = customs.cross_border_tax_rate("cosmetics_high")
    assert Decimal(option["taxes"]["amount"]) == (Decimal("360.00") * rate).quantize(Decimal("0.01"))
    assert Decimal(plain["options"][0]["taxes"]["amount"]) == (Decimal("480.00") * rate).quantize(Decimal("0.01"))
    assert option["discount"] == {"amount": "120.00", "currency": "CNY", "goods": "120.00", "shipping": "0.00"}


def test_free_shipping_on_one_line_takes_off_only_that_lines_shipping(api, world):
    make(world, code="FREEMOW", kind="free_shipping", value="", line="KHG-MOW-TRUCK")
    answer = api(body("FREEMOW", country="RU", city="Moscow", items=[("KZ-LIEBA-SOFT", 2)])).get_json()
    for option in answer["options"]:
        lines = {s["line"] for s in option["shipments"]}
        expected = option["cost"]["amount"] if lines == {"KHG-MOW-TRUCK"} else "0.00"
        assert option["discount"]["shipping"] == expected
    assert any(o["discount"]["shipping"] != "0.00" for o in answer["options"])


def test_a_code_that_cannot_be_used_is_a_json_error_in_the_callers_language(api, world):
    make(world, code="ALLGONE", max_uses="2")
    with world.app_context():
        db.session.execute(Discount.__table__.update().values(used_count=2))
        db.session.commit()
    response = api(body("ALLGONE"), lang="ru")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "discount_used_up" and error["field"] == "discount_code" and "исчерпан" in error["message"]
    unknown = api(body("NOPE-NOPE"))
    assert unknown.status_code == 422 and unknown.get_json()["error"]["code"] == "discount_unknown"
    for odd in (12, ["A"], {"code": 1}, "\x00\x00\x00"):
        answer = api(body(odd))
        assert answer.status_code in (400, 422) and "error" in answer.get_json()
