"""The search box in a real Chromium: suggestions while typing, and a plain form without JavaScript."""
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("lang", "typed", "expected"), [
    ("en", "choclate", "Chocolate"), ("zh", "mianbao", "面包"), ("ur", "شھد", "شہد"),
])
def test_suggestions_appear_while_typing_and_the_keyboard_picks_one(browser, live_server, lang, typed, expected):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server}/{lang}/")
    page.locator("#site-q").press_sequentially(typed, delay=30)
    page.wait_for_selector(".suggestions li a")
    options = page.locator(".suggestions [role=option]")
    assert 0 < options.count() <= 10
    assert expected in page.inner_text(".suggestions")
    assert page.get_attribute("#site-q", "aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    first = page.get_attribute("#site-q", "aria-activedescendant")
    assert page.get_attribute(f"#{first}", "aria-selected") == "true"
    href = page.locator(f"#{first} a").get_attribute("href")
    assert urlsplit(href).path.startswith(f"/{lang}/products/")
    page.keyboard.press("Escape")
    expect(page.locator(".suggestions")).to_be_hidden()
    page.wait_for_timeout(600)  # a lookup that was still on its way does not open it again
    assert page.locator(".suggestions").is_hidden()
    assert errors == []  # no CSP refusal, no script error
    context.close()


def test_the_search_box_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/en/")
    page.fill("#site-q", "bred")
    page.press("#site-q", "Enter")
    page.wait_for_url("**/en/products?q=bred")
    assert page.locator("[data-sku=CN-0001]").count() >= 1
    context.close()
