"""Where people meet tracking: the admin makes and revokes operator tokens (page and command line), the
desk ships (the buyer is mailed the line, tracking number and dates) and adds carrier events by hand, the
buyer reads the parcel's journey in their own language."""
from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from shop.extensions import db
from shop.models import OperatorToken, Order, OutboxMessage, ShipmentEvent
from shop.services import tracking
from tests.support import csrf_from
from tests.tracking.conftest import ACCOUNTS, PASSWORD, bearer, now, ship


def flashes(html: str) -> list[str]:
    return re.findall(r'class="flash[^"]*">([^<]*)<', html)


def report(client, waybill: str, token: str, status: str, at: dt.datetime, **extra):
    return client.post(f"/api/v1/shipments/{waybill}/events", json={"status": status, "at": at.isoformat(), **extra},
                       headers=bearer(token))


# ---- operator tokens -----------------------------------------------------------------------------

def test_an_admin_creates_a_token_that_is_shown_once_and_works(app, client, auth, world, moscow):
    auth.login(ACCOUNTS["admin"], PASSWORD)
    page = client.get("/admin/lines/KHG-MOW-TRUCK/tokens")
    assert page.status_code == 200 and "This line has no tokens yet." in page.get_data(as_text=True)
    created = client.post("/admin/lines/KHG-MOW-TRUCK/tokens",
                          data={"csrf_token": csrf_from(page.get_data(as_text=True)), "name": "Almaty scanners"})
    html = created.get_data(as_text=True)
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    secret = re.search(r'id="new-token">([^<]+)<', html).group(1)
    assert secret.startswith("kop_") and "Almaty scanners" in html
    with app.app_context():
        assert db.session.scalar(sa.select(OperatorToken.token_hash)) == tracking.token_hash(secret)
        assert secret not in str(db.session.execute(sa.select(OperatorToken.__table__)).all())
    again = client.get("/admin/lines/KHG-MOW-TRUCK/tokens").get_data(as_text=True)
    assert secret not in again and "Almaty scanners" in again
    response = report(client, moscow.waybill, secret, "in_transit", now() - dt.timedelta(hours=2))
    assert response.status_code == 201


def test_an_admin_revokes_a_token_and_the_operator_is_refused_at_once(app, client, auth, world, moscow):
    with app.app_context():
        view, secret = tracking.create_operator_token("KHG-MOW-TRUCK", "old scanner", None)
    auth.login(ACCOUNTS["admin"], PASSWORD)
    page = client.get("/admin/lines/KHG-MOW-TRUCK/tokens").get_data(as_text=True)
    assert "command line" in page
    # Another line's address cannot revoke this line's token.
    wrong = client.post(f"/admin/lines/KHG-PK-TRUCK/tokens/{view.id}/revoke", data={"csrf_token": csrf_from(page)})
    assert wrong.status_code == 404
    done = client.post(f"/admin/lines/KHG-MOW-TRUCK/tokens/{view.id}/revoke", data={"csrf_token": csrf_from(page)},
                       follow_redirects=True)
    assert "Token revoked." in flashes(done.get_data(as_text=True))
    response = report(client, moscow.waybill, secret, "delivered", now() - dt.timedelta(hours=1))
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "revoked_token"


def test_only_admins_reach_the_token_pages_and_every_change_needs_the_form_token(app, client, auth, world):
    for role in ("staff", "merchant", "buyer"):
        auth.login(ACCOUNTS[role], PASSWORD)
        assert client.get("/admin/lines/KHG-MOW-TRUCK/tokens").status_code == 403, role
        # Without the form token the app's CSRF guard turns it away (a 400, or back to the page).
        assert client.post("/admin/lines/KHG-MOW-TRUCK/tokens", data={"name": "x"}).status_code in (303, 400, 403)
        auth.logout()
    auth.login(ACCOUNTS["admin"], PASSWORD)
    assert client.post("/admin/lines/KHG-MOW-TRUCK/tokens", data={"name": "no csrf"}).status_code in (303, 400)
    assert client.get("/admin/lines/NO-SUCH-LINE/tokens").status_code == 404
    page = client.get("/admin/lines/KHG-MOW-TRUCK/tokens").get_data(as_text=True)
    refused = client.post("/admin/lines/KHG-MOW-TRUCK/tokens", data={"csrf_token": csrf_from(page), "name": "a\x07b"})
    assert refused.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(OperatorToken.id))) == 0


def test_the_command_line_prints_a_token_for_the_line(app, runner, client, world, moscow):
    result = runner.invoke(args=["shop", "create-operator-token", "KHG-MOW-TRUCK"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip()
    assert secret.startswith("kop_")
    assert report(client, moscow.waybill, secret, "arrived_hub", now() - dt.timedelta(hours=3)).status_code == 201
    unknown = runner.invoke(args=["shop", "create-operator-token", "NO-SUCH-LINE"])
    assert unknown.exit_code != 0 and "no express line" in unknown.output


# ---- the desk ------------------------------------------------------------------------------------

def test_shipping_mails_the_buyer_the_line_tracking_number_and_dates_in_their_language(app, world):
    with app.app_context():
        shipped = ship(world)
        mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.template == "shipment_shipped"))
        assert (mail.to, mail.lang) == ("buyer@desk.example", "ru")
        assert mail.params["tracking_number"] == shipped.waybill
        assert mail.params["line_name"] == "Грузовик до Москвы"
        from shop.services import ports
        rendered = ports.registry().mail_renderer.render(mail.template, mail.lang, dict(mail.params))
        assert shipped.waybill in rendered.text and "Грузовик до Москвы" in rendered.text
        assert "15 дек" in rendered.text and "/ru/orders/" + shipped.number in rendered.text
        assert rendered.subject.startswith("Посылка по заказу")


def test_staff_add_a_carrier_event_by_hand_and_it_shows_on_the_desk_timeline(app, desk, moscow):
    page = desk.client.get(f"/admin/orders/{moscow.number}").get_data(as_text=True)
    assert "No carrier event yet." in page and "Add a carrier event" in page
    path = f"/admin/orders/{moscow.number}/tracking/{moscow.waybill}/events"
    at = (now() - dt.timedelta(hours=2)).astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%dT%H:%M")
    html = desk.post_and_follow(path, status="customs_cleared", at=at, place="Irkeshtam", note="Called in")
    assert f"Event recorded for parcel {moscow.waybill}." in flashes(html)
    assert f"Carrier, parcel {moscow.waybill}: Cleared customs, Irkeshtam" in html
    assert "added by hand" in html and ACCOUNTS["staff"] in html
    again = desk.post_and_follow(path, status="customs_cleared", at=at, place="Irkeshtam")
    assert "This event was already recorded: nothing changed." in flashes(again)
    bad = desk.post_and_follow(path, status="customs_cleared", at="soon", place="x" * 500)
    assert "Nothing was recorded." in flashes(bad)
    with app.app_context():
        row = db.session.scalar(sa.select(ShipmentEvent))
        assert db.session.scalar(sa.select(sa.func.count(ShipmentEvent.id))) == 1
        assert row.user_id is not None and row.token_id is None
        typed = dt.datetime.strptime(at, "%Y-%m-%dT%H:%M").replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
        assert row.at.replace(tzinfo=row.at.tzinfo or dt.UTC) == typed  # read as Kashgar time, kept in UTC
    # A parcel of another order cannot be reached through this order's address.
    assert desk.post(f"/admin/orders/KS000000-NONE/tracking/{moscow.waybill}/events",
                     status="delivered", at=at).status_code == 404


def test_a_delivered_event_by_hand_delivers_the_order(app, desk, moscow):
    at = (now() - dt.timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M") + "Z"
    desk.post_and_follow(f"/admin/orders/{moscow.number}/tracking/{moscow.waybill}/events", status="delivered", at=at)
    with app.app_context():
        assert db.session.scalar(sa.select(Order.status).where(Order.number == moscow.number)) == "delivered"


# ---- the buyer -----------------------------------------------------------------------------------

def test_the_buyer_reads_the_parcels_journey_in_russian_not_when_it_leaves(app, client, auth, moscow, operators):
    token = operators["KHG-MOW-TRUCK"]
    report(client, moscow.waybill, token, "arrived_hub", now() - dt.timedelta(hours=5), place="Алматы")
    report(client, moscow.waybill, token, "out_for_delivery", now() - dt.timedelta(hours=1), place="Москва",
           note="Курьер позвонит за час")
    auth.login(ACCOUNTS["buyer"], PASSWORD, lang="ru")
    html = client.get(f"/ru/orders/{moscow.number}").get_data(as_text=True)
    assert "Отправляется из зоны Кашгара" not in html
    assert "Покинула бондовую зону Кашгара" in html
    journey = re.search(r'<ol class="tracking".*?</ol>', html, re.S).group(0)
    statuses = re.findall(r'data-status="([a-z_]+)"', journey)
    assert statuses == ["left_zone", "arrived_hub", "out_for_delivery"]
    assert "Прибыла в сортировочный центр" in journey and "Передана курьеру" in journey
    assert "Курьер позвонит за час" in journey and "Алматы" in journey
    assert re.search(r"\d{1,2} (янв|фев|мар|апр|мая|июн|июл|авг|сен|окт|ноя|дек)", journey)


def test_the_urdu_page_tells_the_journey_in_urdu(app, client, auth, moscow, operators):
    report(client, moscow.waybill, operators["KHG-MOW-TRUCK"], "customs_cleared", now() - dt.timedelta(hours=1))
    auth.login(ACCOUNTS["buyer"], PASSWORD, lang="ur")
    html = client.get(f"/ur/orders/{moscow.number}").get_data(as_text=True)
    assert "کسٹم سے کلیئر ہو گیا" in html and "Cleared customs" not in html


def test_a_parcel_still_in_the_zone_shows_when_it_leaves_and_no_tracking(app, client, auth, world):
    with app.app_context():
        number = world.order(items=[("TEA-BLACK", [("LOT-TEA-1", 1)])])
    auth.login(ACCOUNTS["buyer"], PASSWORD)
    html = client.get(f"/en/orders/{number}").get_data(as_text=True)
    assert "Leaves the Kashgar zone on" in html and 'class="tracking"' not in html
