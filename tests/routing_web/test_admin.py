"""The back office (/admin/): admins only; line edits validated and saved whole or not at all,
closures, the departure board, exchange rates, duty rules, roles; every change audited."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from shop.extensions import db
from shop.models import AuditLog, Departure, DutyRule, ExchangeRate, ExpressLine, LineClosure, User

from .conftest import csrf_token, sign_in

PAGES = ["/admin/", "/admin/lines", "/admin/lines/KHG-AIR", "/admin/departures", "/admin/rates",
         "/admin/duty-rules", "/admin/duty-rules/RU", "/admin/users", "/admin/audit"]


def audit_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(AuditLog.id)))


def line_row(app, code="KHG-MOW-TRUCK") -> dict:
    with app.app_context():
        line = db.session.scalar(sa.select(ExpressLine).where(ExpressLine.code == code))
        return {c.key: getattr(line, c.key) for c in ExpressLine.__table__.columns} | {
            "closures": len(line.closures)}


def line_form(client, code="KHG-MOW-TRUCK", **overrides) -> dict:
    """The edit form as the page shows it, with some fields changed."""
    data = {
        "csrf_token": csrf_token(client, f"/admin/lines/{code}"),
        "name_en": "Kashgar–Moscow truck", "name_zh": "喀什—莫斯科卡车专线", "name_ru": "Грузовик Кашгар — Москва",
        "name_ur": "کاشغر–ماسکو ٹرک", "mode": "truck", "weekdays": ["1", "4"], "cutoff": "18:00",
        "transit_days_min": "14", "transit_days_max": "16", "serves": "RU: Moscow", "refused_flags": [],
        "max_parcel_kg": "100", "max_side_cm": "150", "capacity_kg": "8000", "capacity_m3": "40",
        "first_weight_g": "1000", "first_price": "25.00", "step_g": "1000", "step_price": "6.00",
        "volumetric_divisor": "5000", "active": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# ---- who may enter ----------------------------------------------------------------------

@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(world, path):
    response = world.test_client().get(path)
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


@pytest.mark.parametrize("email", ["buyer@example.com", "staff@example.com"])
def test_buyers_and_staff_are_refused(world, email):
    client = world.test_client()
    sign_in(client, email)
    for path in PAGES:
        assert client.get(path).status_code == 403, path
    token = csrf_token(client, "/en/")
    assert client.post("/admin/rates", data={"csrf_token": token, "currency": "RUB", "rate": "13"}).status_code == 403
    me = user_id(world, email)
    assert client.post(f"/admin/users/{me}/role", data={"csrf_token": token, "role": "admin"}).status_code == 403
    assert role_of(world, email) != "admin" and audit_count(world) == 0


def test_admins_see_every_page(admin_client):
    for path in PAGES:
        response = admin_client.get(path)
        assert response.status_code == 200, path


def test_the_index_links_to_lines_rates_duty_rules_and_users(admin_client):
    html = admin_client.get("/admin/").get_data(as_text=True)
    for path in ("/admin/lines", "/admin/departures", "/admin/rates", "/admin/duty-rules", "/admin/users"):
        assert f'href="{path}"' in html


def test_back_office_follows_its_own_language_switch(admin_client):
    admin_client.set_cookie("office_lang", "ru")
    html = admin_client.get("/admin/lines").get_data(as_text=True)
    assert '<html lang="ru"' in html and "Экспресс-линии" in html
    admin_client.set_cookie("office_lang", "ur")
    html = admin_client.get("/admin/").get_data(as_text=True)
    assert 'dir="rtl"' in html and "ایکسپریس لائنیں" in html


def test_the_language_switch_stays_in_the_back_office(admin_client):
    response = admin_client.get("/admin/language/zh?next=/admin/rates")
    assert response.status_code == 303 and response.headers["Location"] == "/admin/rates"
    assert "汇率" in admin_client.get("/admin/rates").get_data(as_text=True)


# ---- editing a line ---------------------------------------------------------------------

def test_a_valid_edit_is_saved_and_audited(world, admin_client):
    before = audit_count(world)
    response = admin_client.post("/admin/lines/KHG-MOW-TRUCK", data=line_form(
        admin_client, cutoff="17:30", weekdays=["1", "3"], first_price="26.50", serves="RU: Moscow, Kazan",
        refused_flags=["battery"], transit_days_max="17"))
    assert response.status_code == 303
    row = line_row(world)
    assert row["cutoff"] == dt.time(17, 30) and row["weekdays"] == [1, 3]
    assert row["first_price"] == Decimal("26.50") and row["serves"] == {"RU": ["Moscow", "Kazan"]}
    assert row["refused_flags"] == ["battery"] and row["transit_days_max"] == 17
    assert audit_count(world) == before + 1
    with world.app_context():
        entry = db.session.scalar(sa.select(AuditLog).order_by(AuditLog.id.desc()))
        assert entry.action == "express_line.update" and entry.entity_id == "KHG-MOW-TRUCK"
        assert entry.data["cutoff"] == ["18:00", "17:30"]
        assert entry.user_id is not None


def test_a_valid_edit_changes_the_quote(world, admin_client, api):
    quote = {"destination": {"country": "RU", "city": "Moscow"}, "items": [{"sku": "KG-HONEY-500", "quantity": 1}],
             "date": "2026-12-01"}
    truck = [o for o in api(quote).get_json()["options"] if o["shipments"][0]["line"] == "KHG-MOW-TRUCK"][0]
    assert truck["cost"]["amount"] == "25.00"
    admin_client.post("/admin/lines/KHG-MOW-TRUCK", data=line_form(admin_client, first_price="31.00"))
    truck = [o for o in api(quote).get_json()["options"] if o["shipments"][0]["line"] == "KHG-MOW-TRUCK"][0]
    assert truck["cost"]["amount"] == "31.00"


@pytest.mark.parametrize("field, value, message", [
    ("first_price", "-1.00", "A price cannot be negative."),
    ("step_price", "-0.50", "A price cannot be negative."),
    ("first_price", "abc", "Enter an amount such as 12.50."),
    ("cutoff", "25:00", "Enter a time as HH:MM, e.g. 18:00."),
    ("cutoff", "six pm", "Enter a time as HH:MM, e.g. 18:00."),
    ("cutoff", "", "This field is required."),
    ("transit_days_max", "3", "The longest transit cannot be shorter than the shortest."),
    ("transit_days_min", "-2", "Enter a whole number."),
    ("capacity_kg", "-5", "This cannot be negative."),
    ("max_parcel_kg", "0", "This must be more than zero."),
    ("weekdays", [], "Choose at least one departure day."),
    ("weekdays", ["9"], "Choose from the list."),
    ("serves", "XX: Nowhere", "Line 1: XX is not a country code."),
    ("serves", "RU: Moscow\nRU: Kazan", "Line 2: RU is listed twice."),
    ("serves", "Moscow!", "Line 1: write a country code, then a colon and its cities."),
    ("refused_flags", ["plutonium"], "Choose from the list."),
    ("mode", "teleport", "Choose from the list."),
])
def test_an_invalid_edit_saves_nothing_and_says_why_beside_the_field(world, admin_client, field, value, message):
    before, audits = line_row(world), audit_count(world)
    # A valid change alongside the bad one must not be saved either.
    data = line_form(admin_client, name_en="Renamed truck", **{field: value})
    response = admin_client.post("/admin/lines/KHG-MOW-TRUCK", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field}-error">{message.replace("&", "&amp;")}</p>' in html.replace("&#39;", "'")
    assert "Nothing was saved" in html
    assert line_row(world) == before and audit_count(world) == audits


def test_validation_messages_are_translated(world, admin_client):
    admin_client.set_cookie("office_lang", "ru")
    response = admin_client.post("/admin/lines/KHG-MOW-TRUCK", data=line_form(
        admin_client, first_price="-3", cutoff="7pm"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Цена не может быть отрицательной." in html
    assert "Введите время в формате ЧЧ:ММ, например 18:00." in html


def test_an_edit_without_the_csrf_token_saves_nothing(world, admin_client):
    before = line_row(world)
    data = line_form(admin_client, cutoff="09:00")
    del data["csrf_token"]
    admin_client.post("/admin/lines/KHG-MOW-TRUCK", data=data)
    assert line_row(world) == before


def test_an_unknown_line_is_404(admin_client):
    assert admin_client.get("/admin/lines/NOPE").status_code == 404


# ---- closures ---------------------------------------------------------------------------

def closure_form(client, **overrides):
    data = {"csrf_token": csrf_token(client, "/admin/lines/KHG-MOW-TRUCK"), "start": "2026-12-01",
            "end": "2026-12-31", "kind": "season", "note": "Road works"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_adding_a_season_closure_rules_the_line_out_of_the_quote(world, admin_client, api):
    quote = {"destination": {"country": "RU", "city": "Moscow"}, "items": [{"sku": "KG-HONEY-500", "quantity": 1}],
             "date": "2026-12-05"}
    assert "KHG-MOW-TRUCK" in {o["shipments"][0]["line"] for o in api(quote).get_json()["options"]}
    response = admin_client.post("/admin/lines/KHG-MOW-TRUCK/closures", data=closure_form(admin_client))
    assert response.status_code == 303
    answer = api(quote).get_json()
    assert "KHG-MOW-TRUCK" not in {o["shipments"][0]["line"] for o in answer["options"]}
    truck = {r["line"]: r for r in answer["ruled_out"]}["KHG-MOW-TRUCK"]
    assert truck["code"] == "closed_season" and truck["params"] == {"until": "2027-01-01"}
    with world.app_context():
        entry = db.session.scalar(sa.select(AuditLog).order_by(AuditLog.id.desc()))
        assert entry.action == "express_line.closure_add" and entry.data["end"] == "2026-12-31"


def test_removing_a_closure_reopens_the_line(world, admin_client, api):
    quote = {"destination": {"country": "PK", "city": "Islamabad"},
             "items": [{"sku": "RU-PERFUME-50", "quantity": 1}], "date": "2026-12-10"}
    assert api(quote).get_json()["options"] == []
    with world.app_context():
        closure_id = db.session.scalar(sa.select(LineClosure.id).join(ExpressLine)
                                       .where(ExpressLine.code == "KHG-PK-TRUCK"))
    token = csrf_token(admin_client, "/admin/lines/KHG-PK-TRUCK")
    response = admin_client.post(f"/admin/lines/KHG-PK-TRUCK/closures/{closure_id}/delete",
                                 data={"csrf_token": token})
    assert response.status_code == 303
    assert [o["shipments"][0]["line"] for o in api(quote).get_json()["options"]] == ["KHG-PK-TRUCK"]
    with world.app_context():
        assert db.session.scalar(sa.select(AuditLog.action).order_by(AuditLog.id.desc())) == \
            "express_line.closure_remove"


@pytest.mark.parametrize("overrides, field, message", [
    ({"end": "2026-11-01"}, "end", "The closure cannot end before it starts."),
    ({"start": "1 December"}, "start", "Enter a date as YYYY-MM-DD, e.g. 2026-12-01."),
    ({"end": "2026-02-30"}, "end", "Enter a date as YYYY-MM-DD, e.g. 2026-12-01."),
    ({"start": ""}, "start", "This field is required."),
    ({"kind": "forever"}, "kind", "Choose from the list."),
])
def test_an_invalid_closure_saves_nothing(world, admin_client, overrides, field, message):
    before, audits = line_row(world)["closures"], audit_count(world)
    response = admin_client.post("/admin/lines/KHG-MOW-TRUCK/closures", data=closure_form(admin_client, **overrides))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field}-error">{message}</p>' in html
    assert line_row(world)["closures"] == before and audit_count(world) == audits


def test_a_yearly_closure_may_end_before_it_starts_in_the_calendar(world, admin_client):
    response = admin_client.post("/admin/lines/KHG-MOW-TRUCK/closures", data=closure_form(
        admin_client, start="2026-12-20", end="2026-01-10", yearly="y"))
    assert response.status_code == 303
    assert line_row(world)["closures"] == 1


# ---- the departure board ----------------------------------------------------------------

def test_the_departure_board_lists_two_weeks_with_bookings_against_capacity(world, admin_client):
    with world.app_context():
        line = db.session.scalar(sa.select(ExpressLine).where(ExpressLine.code == "KHG-MOW-TRUCK"))
        # Tuesday 1 December, 18:00 in Kashgar's time zone.
        db.session.add(Departure(line_id=line.id, departs_at=dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC),
                                 booked_kg=Decimal("2000"), booked_m3=Decimal("10")))
        db.session.commit()
    html = admin_client.get("/admin/departures").get_data(as_text=True)
    section = html.split('id="line-KHG-MOW-TRUCK"')[1].split("</section>")[0]
    # Tuesdays and Fridays from Monday 30 November to Monday 14 December.
    for day in ("Tuesday, December 1, 2026", "Friday, December 4, 2026", "Tuesday, December 8, 2026",
                "Friday, December 11, 2026"):
        assert day in section
    assert "Tuesday, December 15, 2026" not in section
    assert "2,000 of 8,000 kg (25%)" in section
    assert "10 of 40 m³ (25%)" in section
    assert "0 of 8,000 kg (0%)" in section
    pk = html.split('id="line-KHG-PK-TRUCK"')[1].split("</section>")[0]
    assert "Closed for the season until April 1, 2027." in pk
    assert "December 2, 2026" not in pk  # the pass closed on 1 December
    assert "Wednesday, December 2, 2026" in html.split('id="line-KHG-RAIL"')[1].split("</section>")[0]


# ---- exchange rates ---------------------------------------------------------------------

def test_adding_todays_rate_is_saved_once_per_day_and_audited(world, admin_client):
    for rate in ("12.75", "12.80"):
        token = csrf_token(admin_client, "/admin/rates")
        response = admin_client.post("/admin/rates", data={"csrf_token": token, "currency": "RUB", "rate": rate})
        assert response.status_code == 303
    with world.app_context():
        rows = db.session.scalars(sa.select(ExchangeRate).where(ExchangeRate.currency == "RUB")
                                  .order_by(ExchangeRate.as_of)).all()
        assert [(r.as_of, r.rate) for r in rows][-1] == (dt.date(2026, 11, 30), Decimal("12.80"))
        assert len(rows) == 2
        actions = db.session.scalars(sa.select(AuditLog.action)).all()
        assert actions.count("exchange_rate.set") == 2


@pytest.mark.parametrize("rate, message", [("-1", "This cannot be negative."), ("0", "This must be more than zero."),
                                           ("abc", "Enter a number such as 12.5."),
                                           ("", "This field is required.")])
def test_a_rate_that_is_not_a_positive_number_saves_nothing(world, admin_client, rate, message):
    token = csrf_token(admin_client, "/admin/rates")
    response = admin_client.post("/admin/rates", data={"csrf_token": token, "currency": "RUB", "rate": rate})
    assert response.status_code == 400
    assert f'id="rate-error">{message}</p>' in response.get_data(as_text=True)
    with world.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ExchangeRate.id))
                                 .where(ExchangeRate.currency == "RUB")) == 1
    assert audit_count(world) == 0


# ---- duty rules -------------------------------------------------------------------------

def test_editing_a_duty_rule_changes_it_and_the_duty_estimate(world, admin_client, api):
    quote = {"destination": {"country": "RU", "city": "Moscow"}, "items": [{"sku": "PK-CARPET-SILK", "quantity": 1}]}
    assert api(quote).get_json()["options"][0]["taxes"]["amount"] != "0.00"
    token = csrf_token(admin_client, "/admin/duty-rules/RU")
    response = admin_client.post("/admin/duty-rules/RU", data={
        "csrf_token": token, "threshold": "1000.00", "currency": "EUR", "rate_percent": "5", "per": "parcel"})
    assert response.status_code == 303
    with world.app_context():
        rule = db.session.scalar(sa.select(DutyRule).where(DutyRule.country == "RU"))
        assert (rule.threshold, rule.rate) == (Decimal("1000.00"), Decimal("0.0500"))
        assert db.session.scalar(sa.select(AuditLog.action)) == "duty_rule.update"
    # 3200 CNY is below EUR 1000 now.
    assert api(quote).get_json()["options"][0]["taxes"]["amount"] == "0.00"


@pytest.mark.parametrize("field, value, message", [("threshold", "-10", "A price cannot be negative."),
                                                    ("rate_percent", "150", "That number is too large."),
                                                    ("per", "year", "Choose from the list.")])
def test_an_invalid_duty_rule_saves_nothing(world, admin_client, field, value, message):
    token = csrf_token(admin_client, "/admin/duty-rules/RU")
    data = {"csrf_token": token, "threshold": "200.00", "currency": "EUR", "rate_percent": "20", "per": "parcel"}
    data[field] = value
    response = admin_client.post("/admin/duty-rules/RU", data=data)
    assert response.status_code == 400
    assert f'id="{field}-error">{message}</p>' in response.get_data(as_text=True)
    with world.app_context():
        assert db.session.scalar(sa.select(DutyRule.rate).where(DutyRule.country == "RU")) == Decimal("0.15")
    assert audit_count(world) == 0


# ---- accounts ---------------------------------------------------------------------------

def user_id(app, email):
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == email))


def role_of(app, email):
    with app.app_context():
        return db.session.scalar(sa.select(User.role).where(User.email == email))


def test_an_admin_changes_another_accounts_role(world, admin_client):
    token = csrf_token(admin_client, "/admin/users")
    response = admin_client.post(f"/admin/users/{user_id(world, 'buyer@example.com')}/role",
                                 data={"csrf_token": token, "role": "staff"})
    assert response.status_code == 303
    assert role_of(world, "buyer@example.com") == "staff"
    with world.app_context():
        entry = db.session.scalar(sa.select(AuditLog))
        assert (entry.action, entry.data["role"]) == ("user.role", ["buyer", "staff"])


def test_an_admin_cannot_demote_themselves(world, admin_client):
    token = csrf_token(admin_client, "/admin/users")
    response = admin_client.post(f"/admin/users/{user_id(world, 'admin@example.com')}/role",
                                 data={"csrf_token": token, "role": "buyer"}, follow_redirects=True)
    assert "You cannot change your own role" in response.get_data(as_text=True)
    assert role_of(world, "admin@example.com") == "admin"
    assert audit_count(world) == 0


def test_another_admin_can_be_demoted(world, admin_client):
    token = csrf_token(admin_client, "/admin/users")
    admin_client.post(f"/admin/users/{user_id(world, 'second@example.com')}/role",
                      data={"csrf_token": token, "role": "staff"})
    assert role_of(world, "second@example.com") == "staff"


def test_the_merchant_role_needs_a_merchant(world, admin_client):
    token = csrf_token(admin_client, "/admin/users")
    response = admin_client.post(f"/admin/users/{user_id(world, 'buyer@example.com')}/role",
                                 data={"csrf_token": token, "role": "merchant"}, follow_redirects=True)
    assert "Only an account tied to a merchant" in response.get_data(as_text=True)
    assert role_of(world, "buyer@example.com") == "buyer"


def test_the_audit_page_lists_changes(world, admin_client):
    token = csrf_token(admin_client, "/admin/rates")
    admin_client.post("/admin/rates", data={"csrf_token": token, "currency": "USD", "rate": "0.1401"})
    html = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "exchange_rate.set" in html and "admin@example.com" in html


def test_a_duty_rule_can_charge_the_whole_value_from_a_start_day(world, admin_client, api):
    quote = {"destination": {"country": "RU", "city": "Moscow"}, "items": [{"sku": "PK-CARPET-SILK", "quantity": 1}]}
    before = Decimal(api(quote).get_json()["options"][0]["taxes"]["amount"])
    token = csrf_token(admin_client, "/admin/duty-rules/RU")
    page = admin_client.get("/admin/duty-rules/RU").get_data(as_text=True)
    assert 'name="basis"' in page and 'name="valid_from"' in page
    response = admin_client.post("/admin/duty-rules/RU", data={
        "csrf_token": token, "threshold": "200.00", "currency": "EUR", "rate_percent": "15", "per": "parcel",
        "basis": "full", "valid_from": ""})
    assert response.status_code == 303
    whole = Decimal(api(quote).get_json()["options"][0]["taxes"]["amount"])
    assert whole > before  # 15% of the whole value is more than 15% of what is above EUR 200
    response = admin_client.post("/admin/duty-rules/RU", data={
        "csrf_token": token, "threshold": "200.00", "currency": "EUR", "rate_percent": "15", "per": "parcel",
        "basis": "full", "valid_from": "2999-01-01"})
    assert response.status_code == 303
    assert api(quote).get_json()["options"][0]["taxes"]["amount"] == "0.00"  # not in force yet
    listing = admin_client.get("/admin/duty-rules").get_data(as_text=True)
    assert "the whole value, once over the threshold" in listing and 'datetime="2999-01-01"' in listing
    with world.app_context():
        rule = db.session.scalar(sa.select(DutyRule).where(DutyRule.country == "RU"))
        assert (rule.basis, rule.valid_from) == ("full", dt.date(2999, 1, 1))


def test_a_duty_rule_start_day_must_be_a_date(world, admin_client):
    token = csrf_token(admin_client, "/admin/duty-rules/RU")
    response = admin_client.post("/admin/duty-rules/RU", data={
        "csrf_token": token, "threshold": "200.00", "currency": "EUR", "rate_percent": "15", "per": "parcel",
        "basis": "half", "valid_from": "soon"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="basis-error">Choose from the list.</p>' in page
    assert 'id="valid_from-error">Enter a date as YYYY-MM-DD' in page
