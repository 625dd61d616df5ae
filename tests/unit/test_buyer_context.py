"""The buyer context: plain data the use cases read instead of the request."""
import dataclasses

import pytest

from shop.domain.places import Place, default_destination
from shop.services.context import BuyerContext, Memo


def test_a_context_without_a_place_delivers_to_its_languages_default():
    assert BuyerContext(lang="ur").place == Place("PK", "Islamabad")
    assert BuyerContext(lang="zh").place == default_destination("zh") == Place("CN", "Shanghai")


def test_an_unknown_language_is_read_as_english():
    ctx = BuyerContext(lang="fr")
    assert ctx.lang == "en" and ctx.place == Place("KG", "Bishkek")


def test_a_chosen_place_is_kept():
    assert BuyerContext(lang="ru", destination=Place("KZ", "Almaty")).place == Place("KZ", "Almaty")


def test_the_context_is_frozen_and_a_guest_has_no_user():
    ctx = BuyerContext(guest_lines=(("RU-CHOC-1", 2),))
    assert not ctx.signed_in and ctx.guest_lines == (("RU-CHOC-1", 2),)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.user_id = 5  # type: ignore[misc]
    assert BuyerContext(user_id=5).signed_in


def test_two_contexts_with_the_same_facts_are_equal_whatever_they_remember():
    one, other = BuyerContext(lang="ru", currency="RUB"), BuyerContext(lang="ru", currency="RUB")
    one.memo.get("rates", lambda: {"RUB": 1})
    assert one == other


def test_the_memo_loads_each_value_once_until_forgotten():
    memo, loads = Memo(), []

    def load():
        loads.append(1)
        return len(loads)

    assert memo.get("rates", load) == 1
    assert memo.get("rates", load) == 1
    memo.forget("rates")
    assert memo.get("rates", load) == 2


def test_a_place_parses_from_its_form_value_and_refuses_what_is_not_one():
    assert Place.parse("ru: Saint   Petersburg") == Place("RU", "Saint Petersburg")
    assert Place.parse(Place("PK", "Lahore").value) == Place("PK", "Lahore")
    for bad in ("XX:Somewhere", "RU:", "Moscow", None, "RU:" + "x" * 81):
        assert Place.parse(bad) is None


REQUEST_FREE = ("cart", "pricing", "catalogue", "lines", "quotes", "addresses", "slugs", "context")
WEB = {"flask", "flask_login", "flask_babel", "flask_wtf", "werkzeug", "babel", "wtforms", "jinja2"}


@pytest.mark.parametrize("module", REQUEST_FREE)
def test_the_use_cases_that_take_a_buyer_context_import_no_web_framework(module):
    import ast
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "shop" / "services" / f"{module}.py"
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module)
    assert {r.split(".")[0] for r in roots} & WEB == set()
    # Nor the shop's own request-bound modules, nor the demo data.
    assert not {r for r in roots if r in ("shop.i18n", "shop.demo") or r.startswith(("shop.web", "shop.demo."))}
