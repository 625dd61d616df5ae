"""Quoting as a use case: called from a plain app context, with a BuyerContext and no request,
it answers with plain results (routing's options and rulings), no words and no JSON."""
import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import has_request_context
from sqlalchemy import event

from shop.domain.places import Place
from shop.domain.routing import SHANGHAI
from shop.extensions import db
from shop.models import Product
from shop.services import quotes
from shop.services.context import BuyerContext


@pytest.fixture
def world(shared_world, clock):
    return shared_world


def _product(sku: str) -> Product:
    return db.session.scalar(sa.select(Product).where(Product.sku == sku))


def test_the_outlook_to_the_buyers_place_needs_no_request(world):
    with world.app_context():
        assert not has_request_context()
        ctx = BuyerContext(lang="en", destination=Place("KG", "Bishkek"))
        outlook = quotes.delivery_outlook(_product("KG-HONEY-500"), ctx)
    assert outlook.available and outlook.served
    assert outlook.place == Place("KG", "Bishkek")
    # Monday 10:00 in Kashgar: the air express leaves at noon and lands 2-4 days later.
    shipment = outlook.option.shipments[0]
    assert shipment.line == "KHG-AIR"
    assert shipment.departure == dt.datetime(2026, 11, 30, 12, 0, tzinfo=SHANGHAI)
    assert (outlook.option.delivery_earliest, outlook.option.delivery_latest) == (dt.date(2026, 12, 3),
                                                                                   dt.date(2026, 12, 5))


def test_without_a_chosen_place_the_languages_default_is_quoted(world):
    with world.app_context():
        outlook = quotes.delivery_outlook(_product("KG-HONEY-500"), BuyerContext(lang="ru"))
    assert outlook.place == Place("RU", "Moscow")
    assert outlook.option.shipments[0].line in {"KHG-MOW-TRUCK", "KHG-RAIL"}


def test_the_winter_pass_is_a_season_ruling_with_its_end_date(world, clock):
    clock.set(dt.datetime(2026, 12, 10, 9, 0, tzinfo=SHANGHAI))
    with world.app_context():
        outlook = quotes.delivery_outlook(_product("RU-PERFUME-50"),
                                          BuyerContext(lang="ur", destination=Place("PK", "Islamabad")))
    assert not outlook.available and outlook.served
    assert (outlook.season.line, outlook.season.params["until"]) == ("KHG-PK-TRUCK", dt.date(2027, 4, 1))
    assert {(r.line, r.code) for r in outlook.ruled_out} >= {("KHG-AIR", "goods_refused")}


def test_a_place_no_line_serves_is_not_served(world):
    with world.app_context():
        outlook = quotes.delivery_outlook(_product("KG-HONEY-500"),
                                          BuyerContext(destination=Place("FR", "Paris")))
    assert not outlook.available and not outlook.served and outlook.ruled_out == ()


def test_a_city_typed_in_its_own_script_is_quoted_by_its_latin_name(world):
    with world.app_context():
        quote = quotes.quote_products([(_product("KG-HONEY-500"), 2)], "ru", "Москва")
    assert (quote.destination.country, quote.destination.city) == ("RU", "Moscow")
    assert quote.options and all(o.cost > Decimal(0) for o in quote.options)


def test_the_contexts_memo_reads_lines_and_rates_once(world):
    with world.app_context():
        ctx = BuyerContext(lang="en", destination=Place("RU", "Moscow"))
        items = [(_product("RU-PERFUME-50"), 1)]
        statements: list[str] = []

        def seen(conn, cursor, statement, *args):
            statements.append(statement)

        counts = []
        for _ in range(2):
            statements.clear()
            engine = db.session.connection().engine  # the test's own (its transaction's) engine
            event.listen(engine, "before_cursor_execute", seen)
            try:
                quotes.quote_products(items, "RU", "Moscow", memo=ctx.memo)
            finally:
                event.remove(engine, "before_cursor_execute", seen)
            # The lines are read with their closures; the bookings are read for every quote.
            counts.append((sum("line_closure" in s for s in statements), sum("exchange_rate" in s for s in statements)))
    assert counts[0] == (1, 1)  # the first quote reads them
    assert counts[1] == (0, 0)  # the second, for the same buyer, does not


def test_the_chooser_keeps_the_lines_spelling(world):
    with world.app_context():
        assert quotes.served_place(Place("KG", "osh")) == Place("KG", "Osh")
        assert quotes.served_place(Place("KG", "Karakol")) is None
        # The rail line serves all of Kazakhstan: the known cities are offered there.
        assert {"Almaty", "Astana", "Shymkent"} <= {p.city for p in quotes.served_places() if p.country == "KZ"}
