"""Language prefixes, negotiation, <html lang dir> and translated error pages."""
import pytest


@pytest.mark.parametrize(("headers", "cookie", "expected"), [
    ({"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}, None, "/ru/"),
    ({"Accept-Language": "zh-CN,zh;q=0.9"}, None, "/zh/"),
    ({"Accept-Language": "ur-PK"}, None, "/ur/"),
    ({"Accept-Language": "de-DE"}, None, "/en/"),
    ({}, None, "/en/"),
    ({"Accept-Language": "ru"}, "ur", "/ur/"),
])
def test_root_redirects_by_cookie_then_accept_language_then_english(client, headers, cookie, expected):
    if cookie:
        client.set_cookie("lang", cookie)
    response = client.get("/", headers=headers)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(expected)


@pytest.mark.parametrize(("lang", "html_lang", "direction"), [
    ("en", "en", "ltr"), ("zh", "zh-Hans", "ltr"), ("ru", "ru", "ltr"), ("ur", "ur", "rtl")])
def test_every_page_carries_lang_and_dir(client, lang, html_lang, direction):
    page = client.get(f"/{lang}/login").get_data(as_text=True)
    assert f'<html lang="{html_lang}" dir="{direction}">' in page


def test_an_unknown_language_prefix_is_a_404_in_the_negotiated_language(client):
    response = client.get("/xx/", headers={"Accept-Language": "ru"})
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert 'lang="ru"' in page
    assert "Не удалось найти эту страницу" in page


@pytest.mark.parametrize(("lang", "text"), [
    ("zh", "登录"), ("ru", "Войти"), ("ur", "سائن ان"), ("en", "Sign in")])
def test_interface_is_translated(client, lang, text):
    assert text in client.get(f"/{lang}/login").get_data(as_text=True)


def test_language_switcher_keeps_the_current_page(client):
    page = client.get("/en/register").get_data(as_text=True)
    for lang in ("zh", "ru", "ur"):
        assert f'href="/{lang}/register"' in page


def test_health_check_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert set(body["worker"]) == {"last_seen", "ok"} and "pending" in body["queue"]


def test_forbidden_page_is_translated(client, app):
    from shop.extensions import db
    from shop.models import User
    with app.app_context():
        user = User(email="b@example.com", role="buyer", name="B")
        user.set_password("long-enough-password")
        db.session.add(user)
        db.session.commit()
    from tests.conftest import AuthActions
    AuthActions(client).login("b@example.com", "long-enough-password", lang="ru")
    response = client.get("/admin/", headers={"Accept-Language": "ru"})
    assert response.status_code == 403
    assert 'lang="ru"' in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/merchant/", "/fulfilment/", "/admin/"])
def test_back_office_sends_anonymous_visitors_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_language_switch_on_a_page_without_prefix_keeps_the_page(client):
    response = client.get("/language/ur?next=/fulfilment/")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/fulfilment/")
    assert "lang=ur" in response.headers.get("Set-Cookie", "")
    assert client.get("/language/ur?next=https://evil.example/").headers["Location"].endswith("/ur/")
    assert client.get("/language/xx").status_code == 404
