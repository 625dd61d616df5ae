"""Redirect targets taken from the request (`next`, Referer) stay on this site, whatever their
encoding: no open redirect."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from shop.web.redirects import local_path

PASSWORD = "amber-caravan-2026"
EMAIL = "rustam@example.kg"

# Each one, put in a Location header, makes some browser leave the site (or is meant to).
BYPASSES = [
    "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "/\t/evil.example",
    "/%09/evil.example", "/%2F/evil.example", "/%2f%2fevil.example", "%2F%2Fevil.example", "/%5Cevil.example",
    "/%5cevil.example", "https:evil.example", "https://evil.example", "http:/evil.example",
    "javascript:alert(1)", "evil.example", "/\r\n/evil.example", "/%0d%0a/evil.example", "/\n/evil.example",
    "/%00/evil.example", "/\u3000/evil.example", "/%E3%80%80/evil.example", "/\u00a0/evil.example",
    "/%C2%A0/evil.example", "/\u2028/evil.example", "/\u200b/evil.example", "/%E2%80%8B/evil.example",
    "/%252F/evil.example", "/%25%32%46/evil.example", "/%255C/evil.example", " /evil.example",
    "/ /evil.example", "/en/../\\evil.example", "/a//evil.example", "/%ZZ%C3/evil", "/" + "a" * 2001,
    "", None,
]

SAFE = ["/", "/en/", "/en/products?category=3&page=2", "/ur/account", "/merchant/listings?q=%D0%BC%D1%91%D0%B4",
        "/zh/products?q=rose%20cream", "/en/products/%E9%9D%A2%E9%9C%9C"]


@pytest.mark.parametrize("target", BYPASSES)
def test_a_target_that_could_leave_the_site_gives_the_default(target):
    assert local_path(target, "/en/") == "/en/"


@pytest.mark.parametrize("target", SAFE)
def test_a_path_on_this_site_is_kept(target):
    assert local_path(target, "/en/") == target


@pytest.fixture
def buyer(app):
    from shop.services import accounts
    with app.app_context():
        accounts.register(email=EMAIL, name="Rustam", password=PASSWORD, lang="en")


def _location_stays_here(location: str) -> None:
    assert location.startswith("/") and not location.startswith("//") and "\\" not in location, location
    assert "evil.example" not in location, location


@pytest.mark.parametrize("target", [t for t in BYPASSES if t])
def test_signing_in_with_a_hostile_next_stays_on_the_shop(client, auth, buyer, target):
    token = auth.csrf("/en/login")
    response = client.post(f"/en/login?next={quote(target, safe='')}",
                           data={"email": EMAIL, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    _location_stays_here(response.headers["Location"])


def test_a_signed_in_buyer_sent_to_login_with_a_tab_trick_stays_on_the_shop(client, auth, buyer):
    auth.login(EMAIL, PASSWORD)
    response = client.get("/en/login?next=%2F%09%2Fevil.example")
    assert response.status_code == 302
    _location_stays_here(response.headers["Location"])
    assert client.get("/en/login?next=/en/cart").headers["Location"] == "/en/cart"


@pytest.mark.parametrize("target", ["/\t/evil.example", "//evil.example", "/\\evil.example", "/%2F/evil.example"])
def test_the_language_switch_stays_on_the_shop(client, target):
    response = client.get(f"/language/zh?next={quote(target, safe='')}")
    assert response.status_code in (302, 303)
    _location_stays_here(response.headers["Location"])


@pytest.mark.parametrize("referer", [
    "http://attacker.example//evil.example/x", "http://attacker.example/en/cart", "http://localhost.evil.example/en/",
    "https://localhost//evil.example/x", "//evil.example/x", "http://localhost/\t/evil.example",
    "http://localhost/%2F/evil.example", "javascript:alert(1)", "http://[::1/x",
])
def test_a_form_without_a_token_goes_back_only_to_a_page_of_this_site(client, referer):
    response = client.post("/en/cart/update", data={"product_id": "1"}, headers={"Referer": referer})
    assert response.status_code == 303
    location = response.headers["Location"]
    _location_stays_here(location)
    assert location == "/en/cart/update"


def test_a_form_without_a_token_goes_back_to_the_page_it_came_from(client):
    response = client.post("/en/cart/update", data={"product_id": "1"},
                           headers={"Referer": "http://localhost/en/products?category=2"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/en/products?category=2"


def test_a_wrong_method_is_answered_405_with_allow(client):
    response = client.post("/en/account")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD"}
    api = client.delete("/api/v1/products")
    assert api.status_code == 405
    assert "GET" in api.headers["Allow"]
    assert api.get_json()["error"]["code"] == "method_not_allowed"
