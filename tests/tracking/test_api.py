"""POST /api/v1/shipments/<tracking number>/events: a line's operator reports what happened to its parcels.
A repeat is the same event; a delivered report delivers the parcel and, once all its parcels are, the
order (paid then, for cash on delivery), and mails the buyer. Anyone else is refused and nothing changes."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from shop.extensions import db
from shop.models import Order, OutboxMessage, Payment, Shipment, ShipmentEvent
from shop.services import tracking
from tests.tracking.conftest import bearer, now, ship


def post(client, waybill: str, token: str | None, body, **headers):
    if token is not None:
        headers.update(bearer(token))
    return client.post(f"/api/v1/shipments/{waybill}/events", json=body, headers=headers)


def event(status: str = "in_transit", at: dt.datetime | None = None, **extra):
    return {"status": status, "at": (at or now() - dt.timedelta(hours=1)).isoformat(), **extra}


def state(number: str) -> tuple[str, list[str]]:
    order = db.session.scalar(sa.select(Order).where(Order.number == number))
    db.session.refresh(order)
    return order.status, [s.status for s in order.shipments]


def events_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(ShipmentEvent.id))) or 0


def test_an_operator_reports_an_event_once_and_a_repeat_answers_the_same_event(app, client, moscow, operators):
    body = event("arrived_hub", place="Almaty hub", note="Sorted")
    first = post(client, moscow.waybill, operators["KHG-MOW-TRUCK"], body)
    assert first.status_code == 201, first.get_json()
    recorded = first.get_json()
    assert recorded["status"] == "arrived_hub" and recorded["place"] == "Almaty hub"
    assert recorded["tracking_number"] == moscow.waybill and recorded["shipment_status"] == "shipped"
    again = post(client, moscow.waybill.lower(), operators["KHG-MOW-TRUCK"], {**body, "note": "a replay"})
    assert again.status_code == 200
    assert again.get_json()["id"] == recorded["id"] and again.get_json()["note"] == "Sorted"
    # The same moment written in another offset is the same report.
    at = dt.datetime.fromisoformat(body["at"]).astimezone(dt.timezone(dt.timedelta(hours=8)))
    same = post(client, moscow.waybill, operators["KHG-MOW-TRUCK"], {**body, "at": at.isoformat()})
    assert same.status_code == 200 and same.get_json()["id"] == recorded["id"]
    later = post(client, moscow.waybill, operators["KHG-MOW-TRUCK"],
                 event("arrived_hub", at=now() - dt.timedelta(minutes=30), place="Moscow hub"))
    assert later.status_code == 201 and later.get_json()["id"] != recorded["id"]
    with app.app_context():
        assert events_count() == 2
        assert state(moscow.number) == ("shipped", ["shipped"])


def test_a_delivered_report_delivers_the_parcel_and_the_order_and_mails_the_buyer(app, client, moscow, operators):
    token = operators["KHG-MOW-TRUCK"]
    assert post(client, moscow.waybill, token, event("out_for_delivery")).status_code == 201
    response = post(client, moscow.waybill, token, event("delivered", at=now() - dt.timedelta(minutes=5)))
    assert response.status_code == 201 and response.get_json()["shipment_status"] == "delivered"
    with app.app_context():
        assert state(moscow.number) == ("delivered", ["delivered"])
        mails = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == "order_delivered")).all()
        assert [(m.to, m.lang) for m in mails] == [("buyer@desk.example", "ru")]
        assert "доставлен" in mails[0].body and mails[0].subject.startswith("Заказ")
    # A late scan after delivery is told, and changes nothing else.
    late = post(client, moscow.waybill, token, event("in_transit", at=now() - dt.timedelta(minutes=1)))
    assert late.status_code == 201
    with app.app_context():
        assert state(moscow.number) == ("delivered", ["delivered"])
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)).where(
            OutboxMessage.template == "order_delivered")) == 1


def test_a_split_order_is_delivered_only_when_every_parcel_is(app, client, world, operators):
    with app.app_context():
        first = ship(world)
        order = db.session.scalar(sa.select(Order).where(Order.number == first.number))
        second = Shipment(line_id=world.lines["KHG-PK-TRUCK"], departure_id=world.departures["KHG-PK-TRUCK"],
                          waybill="KHG-TEST-0002", status="shipped", chargeable_weight_g=1000,
                          cost_cny=order.shipping_cny, delivery_earliest=dt.date(2026, 12, 15),
                          delivery_latest=dt.date(2026, 12, 18))
        order.shipments.append(second)
        db.session.commit()
    assert post(client, first.waybill, operators["KHG-MOW-TRUCK"], event("delivered")).status_code == 201
    with app.app_context():
        status, parcels = state(first.number)
        assert status == "shipped" and sorted(parcels) == ["delivered", "shipped"]
    assert post(client, "KHG-TEST-0002", operators["KHG-PK-TRUCK"], event("delivered")).status_code == 201
    with app.app_context():
        assert state(first.number) == ("delivered", ["delivered", "delivered"])


def test_cash_on_delivery_is_paid_when_the_carrier_delivers(app, client, world, operators):
    with app.app_context():
        cod = ship(world, payment_method="cod", status="confirmed")
    assert post(client, cod.waybill, operators["KHG-MOW-TRUCK"], event("delivered")).status_code == 201
    with app.app_context():
        assert state(cod.number)[0] == "delivered"
        payment = db.session.scalar(sa.select(Payment).join(Order).where(Order.number == cod.number))
        assert payment.provider == "cod" and payment.status == "succeeded"


# ---- the attacker's tests ------------------------------------------------------------------------

def test_another_lines_operator_cannot_report_on_the_parcel(app, client, moscow, operators):
    response = post(client, moscow.waybill, operators["KHG-PK-TRUCK"], event("delivered"))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "unknown_shipment"
    with app.app_context():
        assert events_count() == 0 and state(moscow.number) == ("shipped", ["shipped"])


def test_no_token_a_wrong_scheme_a_forged_token_and_a_merchant_token_are_refused(app, client, world, moscow):
    from shop.models import User
    from shop.services import merchant as merchant_service
    with app.app_context():
        merchant_user = db.session.get(User, world.users["merchant"])
        _row, merchant_secret = merchant_service.create_token(merchant_user, "stock sync")
    cases = [({}, "missing_token"), ({"Authorization": "Basic abc"}, "invalid_token"),
             ({"Authorization": "Bearer "}, "invalid_token"), (bearer("kop_forged"), "invalid_token"),
             (bearer("x" * 5000), "invalid_token"), (bearer(merchant_secret), "invalid_token")]
    for headers, code in cases:
        response = client.post(f"/api/v1/shipments/{moscow.waybill}/events", json=event("delivered"), headers=headers)
        assert response.status_code == 401, (headers, response.status_code)
        assert response.get_json()["error"]["code"] == code
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    with app.app_context():
        assert events_count() == 0


def test_a_revoked_token_stops_working_at_once(app, client, moscow, operators):
    token = operators["KHG-MOW-TRUCK"]
    assert post(client, moscow.waybill, token, event("in_transit")).status_code == 201
    with app.app_context():
        token_id = tracking.authenticate(token)[0].token_id
        assert tracking.revoke_operator_token("KHG-MOW-TRUCK", token_id, None) is True
    response = post(client, moscow.waybill, token, event("delivered"))
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "revoked_token"
    with app.app_context():
        assert state(moscow.number) == ("shipped", ["shipped"])


def test_a_forged_or_malformed_waybill_is_not_found(app, client, moscow, operators):
    token = operators["KHG-MOW-TRUCK"]
    for waybill in ("KHG-NOPE-0000", moscow.number, "x" * 300, "../../admin", "%E2%80%AE" + moscow.waybill,
                    "A%20B", moscow.waybill + "%2Fevents"):
        response = post(client, waybill, token, event("delivered"))
        assert response.status_code in (400, 404), waybill
        assert "error" in response.get_json()
    with app.app_context():
        assert events_count() == 0


def test_nul_bytes_in_the_path_header_or_body_change_nothing(app, client, moscow, operators):
    token = operators["KHG-MOW-TRUCK"]
    for body in (event("in_transit", place="Al\x00maty"), event("in_transit\x00"), {**event(), "at\x00": "x"}):
        response = post(client, moscow.waybill, token, body)
        assert response.status_code in (400, 422) and "error" in response.get_json()
    response = post(client, moscow.waybill + "%00", token, event())
    assert response.status_code in (400, 404)
    response = client.post(f"/api/v1/shipments/{moscow.waybill}/events", json=event(),
                           headers={"Authorization": f"Bearer {token}\x00"})
    assert response.status_code in (400, 401)
    with app.app_context():
        assert events_count() == 0


def test_bad_fields_are_named_and_nothing_is_recorded(app, client, moscow, operators):
    token = operators["KHG-MOW-TRUCK"]
    cases = {
        "status": [event("teleported"), event(7), {"at": event()["at"]}],
        "at": [event(at=now() + dt.timedelta(days=3650)), {"status": "in_transit", "at": "9999-12-31T23:59:59Z"},
               {"status": "in_transit", "at": "2026-12-03T10:00:00"}, {"status": "in_transit", "at": 1733212800},
               {"status": "in_transit", "at": "yesterday"}, {"status": "in_transit", "at": "1999-01-01T00:00:00Z"},
               {"status": "in_transit", "at": "2026-12-03T10:00:00+99:00"}, {"status": "in_transit"}],
        "place": [event(place="x" * 10_000), event(place=["Almaty"]), event(place="\u202eAlmaty\x1b[31m")],
        "note": [event(note="y" * 100_000), event(note={"a": 1})],
    }
    for field, bodies in cases.items():
        for body in bodies:
            response = post(client, moscow.waybill, token, body)
            assert response.status_code == 422, (body, response.status_code)
            error = response.get_json()["error"]
            assert error["code"] == "invalid" and field in error["fields"], (field, error)
    for raw in (b"not json", b"[1, 2]", b'"delivered"', b"null"):
        response = client.post(f"/api/v1/shipments/{moscow.waybill}/events", data=raw,
                               headers={**bearer(token), "Content-Type": "application/json"})
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_json"
    with app.app_context():
        assert events_count() == 0 and state(moscow.number) == ("shipped", ["shipped"])


def test_a_parcel_still_in_the_zone_takes_no_carrier_event(app, client, world, operators):
    from shop.services import fulfilment
    staff = world.users["staff"]
    with app.app_context():
        number = world.order(items=[("TEA-BLACK", [("LOT-TEA-1", 1)])])
        wave = fulfilment.build_wave(world.departures["KHG-MOW-TRUCK"], staff).wave_id
        fulfilment.confirm_picked(wave, number, staff)
        waybill = fulfilment.pack(wave, number, staff).waybill
    response = post(client, waybill, operators["KHG-MOW-TRUCK"], event("delivered"))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "not_shipped"
    with app.app_context():
        assert events_count() == 0 and state(number) == ("packed", ["packed"])


def test_the_endpoint_is_described_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/shipments/{tracking_number}/events"]["post"]
    assert operation["security"] == [{"operator": []}]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert schema["properties"]["status"]["enum"] == ["in_transit", "arrived_hub", "customs_cleared",
                                                      "out_for_delivery", "delivered", "failed", "returned"]
    assert {"200", "201", "401", "404", "422"} <= set(operation["responses"])


def test_errors_are_worded_in_the_language_asked_for(client, moscow, operators):
    response = client.post(f"/api/v1/shipments/{moscow.waybill}/events", json=event("teleported"),
                           headers={**bearer(operators["KHG-MOW-TRUCK"]), "Accept-Language": "ru"})
    assert response.status_code == 422
    assert any("\u0400" <= ch <= "\u04ff" for ch in response.get_json()["error"]["message"])
