"""A buyer in Chromium types a discount code on the cart, in every language: a bad code is refused
with its reason, the demo's WELCOME10 shows as its own line and lowers the total."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

REFUSAL = {"en": "do not know", "zh": "没有这个折扣码", "ru": "Такого кода скидки нет", "ur": "ہمارے پاس نہیں"}


@pytest.mark.parametrize("lang", ["en", "zh", "ru", "ur"])
def test_a_buyer_applies_welcome10_on_the_cart(browser, live_server, artefacts, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/{lang}/products")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    added = page.request.post(f"{live_server}/{lang}/cart", form={"sku": "CN-0001", "quantity": "6",
                                                                  "csrf_token": token})
    assert added.ok
    page.goto(f"{live_server}/{lang}/cart")
    before = page.inner_text(".cart-total")

    page.fill("#discount_code", "NOSUCHCODE")
    page.click(".discount-form button[type=submit]")
    assert REFUSAL[lang] in page.inner_text("main")
    assert page.locator("#discount-line").count() == 0

    page.fill("#discount_code", "welcome10")
    page.click(".discount-form button[type=submit]")
    line = page.locator("#discount-line")
    assert line.get_attribute("data-code") == "WELCOME10"
    assert "WELCOME10" in line.inner_text() and "−" in line.inner_text()
    assert page.inner_text(".cart-total") != before
    if lang == "ur":
        assert page.get_attribute("html", "dir") == "rtl"
        page.screenshot(path=str(artefacts / "cart-discount-ur.png"), full_page=True)
    context.close()
