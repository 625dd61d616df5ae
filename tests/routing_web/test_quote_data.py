"""What quotes read from the database: the routing lines (built once per process, rebuilt as soon
as their rows change, whoever changed them), the bookings on departures, and the words for every
ruling in each language. These tests write, so each gets a fresh database."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from shop.domain import routing
from shop.extensions import db
from shop.models import Departure, ExpressLine, LineClosure
from shop.services import lines, quotes
from shop.web import words


def test_lines_are_reused_while_their_rows_stay_the_same(world, api, admin_client):
    """Quote after quote is answered from the lines built once; the quote right after an admin
    moves the Moscow truck's cut-off already leaves at the new time."""
    from .test_admin import line_form
    quote = {"destination": {"country": "RU", "city": "Moscow"}, "date": "2026-12-01",
             "items": [{"sku": "RU-PERFUME-50", "quantity": 2}]}

    def truck_departure(answer: dict) -> str:
        return next(s["departure"] for option in answer["options"] for s in option["shipments"]
                    if s["line"] == "KHG-MOW-TRUCK")

    first = api(quote).get_json()
    with world.app_context():
        built = lines.line_set()
    assert api(quote).get_json() == first
    with world.app_context():
        assert lines.line_set() is built  # the second quote rebuilt nothing
        assert {line.code for line in quotes.domain_lines()} == {
            "KHG-MOW-TRUCK", "KHG-FRU-TRUCK", "KHG-PK-TRUCK", "KHG-AIR", "KHG-RAIL", "CN-BONDED"}
    assert truck_departure(first) == "2026-12-01T18:00:00+08:00"
    edited = admin_client.post("/admin/lines/KHG-MOW-TRUCK", data=line_form(admin_client, cutoff="09:30"))
    assert edited.status_code in (302, 303)
    assert truck_departure(api(quote).get_json()) == "2026-12-01T09:30:00+08:00"


@pytest.mark.committed  # another engine edits the rows: it must see them, and the test must see its edit
def test_an_edit_made_by_another_process_is_seen_on_the_next_request(world):
    with world.app_context():
        before = lines.line_set().by_code("KHG-MOW-TRUCK")
        url = db.engine.url
    # Another worker (or a person at the database console) changes the line and adds a closure.
    line_table, closure_table = ExpressLine.__table__, LineClosure.__table__
    other = sa.create_engine(url)
    with other.begin() as conn:
        conn.execute(sa.update(line_table).where(line_table.c.code == "KHG-MOW-TRUCK").values(cutoff=dt.time(9, 30)))
        line_id = conn.execute(sa.select(line_table.c.id).where(line_table.c.code == "KHG-AIR")).scalar()
        conn.execute(sa.insert(closure_table).values(line_id=line_id, start=dt.date(2026, 12, 1),
                                                     end=dt.date(2026, 12, 31), yearly=False, kind="season",
                                                     note={}))
    other.dispose()
    with world.app_context():
        after = lines.line_set()
        assert after.by_code("KHG-MOW-TRUCK").cutoff == dt.time(9, 30) != before.cutoff
        assert len(after.by_code("KHG-AIR").closures) == 1


def test_a_deactivated_line_leaves_routing(world, admin_client):
    from .test_admin import line_form
    admin_client.post("/admin/lines/KHG-AIR", data=line_form(
        admin_client, "KHG-AIR", active=None, name_en="Kashgar air express", mode="air",
        serves="KG: Bishkek", weekdays=["0"], cutoff="12:00", transit_days_min="2", transit_days_max="4"))
    with world.app_context():
        assert "KHG-AIR" not in {line.code for line in quotes.domain_lines()}


def test_a_full_departure_rolls_the_order_to_the_next(api, world):
    with world.app_context():
        line = db.session.scalar(sa.select(ExpressLine).where(ExpressLine.code == "KHG-MOW-TRUCK"))
        # Tuesday 1 December, 18:00 in Kashgar: 0.1 kg of room left.
        db.session.add(Departure(line_id=line.id, departs_at=dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC),
                                 booked_kg=Decimal("7999.9"), booked_m3=Decimal("1")))
        db.session.commit()
    answer = api({"destination": {"country": "RU", "city": "Moscow"},
                  "items": [{"sku": "RU-PERFUME-50", "quantity": 1}], "date": "2026-12-01"}).get_json()
    truck = next(o["shipments"][0] for o in answer["options"] if o["shipments"][0]["line"] == "KHG-MOW-TRUCK")
    assert truck["departure"] == "2026-12-04T18:00:00+08:00"


RULINGS = {"not_served_country": {}, "not_served_city": {}, "goods_refused": {"flag": "battery"},
           "closed_season": {"until": dt.date(2027, 4, 1)}, "overweight": {"limit_kg": 30},
           "oversize": {"limit_cm": 120}, "departure_full": {}, "no_departure": {}}


def _texts(app, lang):
    from flask import g
    with app.test_request_context(f"/{lang}/"):
        g.lang = lang
        return {(code, mode): words.reason_text(code, values, mode=mode)
                for code, values in RULINGS.items() for mode in (None, *routing.MODES)}


def test_every_ruling_reads_as_words_in_every_language(world):
    assert set(RULINGS) == set(routing.REASON_CODES)
    english = _texts(world, "en")
    assert all(text and text != code and "%(" not in text for (code, _mode), text in english.items())
    for lang in ("zh", "ru", "ur"):
        for key, text in _texts(world, lang).items():
            assert text and "%(" not in text and text != english[key], (lang, key, text)
