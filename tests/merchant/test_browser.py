"""A merchant works in the portal in a real Chromium, in Urdu (right to left) and in English.

The live server's demo data is shared with other browser tests, so these pages change nothing
buyers see: a refused listing form and a new API token."""
import re

import pytest

pytestmark = pytest.mark.browser


def sign_in(page, live_server, lang="en"):
    page.goto(f"{live_server}/{lang}/login?next=/merchant/")
    page.fill("input[name=email]", "indus@shop.example")
    page.fill("input[name=password]", "demo-merchant-2026")
    page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/merchant/$"))


def test_a_refused_listing_is_shown_again_in_urdu_beside_its_fields(page, live_server, artefacts):
    page.context.add_cookies([{"name": "lang", "value": "ur", "url": live_server}])
    sign_in(page, live_server, "ur")
    assert page.get_attribute("html", "dir") == "rtl" and page.get_attribute("html", "lang") == "ur"
    page.screenshot(path=str(artefacts / "merchant-dashboard-ur.png"), full_page=True)
    page.goto(f"{live_server}/merchant/listings/new")
    page.fill("#sku", "BROWSER-1")
    page.fill("#name_en", "Browser test item")
    page.fill("#name_ur", "براؤزر آزمائشی چیز")
    page.fill("#price_cny", "12.345")
    page.fill("#weight_g", "heavy")
    page.locator("main form[novalidate] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_attribute("#name_ur", "dir") == "rtl" and page.get_attribute("#name_en", "dir") == "ltr"
    assert page.input_value("#weight_g") == "heavy" and page.input_value("#name_ur") == "براؤزر آزمائشی چیز"
    weight_error = page.inner_text("#weight_g-error")
    assert weight_error and "whole number" not in weight_error  # in Urdu, beside the field
    assert page.get_attribute("#weight_g", "aria-invalid") == "true"
    assert page.inner_text("#price_cny-error")
    page.screenshot(path=str(artefacts / "merchant-listing-errors-ur.png"), full_page=True)
    page.goto(f"{live_server}/merchant/listings?q=BROWSER-1")
    assert page.locator("main table").count() == 0  # nothing was saved


def test_a_new_token_is_shown_once(page, live_server, artefacts):
    sign_in(page, live_server)
    page.goto(f"{live_server}/merchant/tokens")
    page.fill("#name", "browser check")
    page.locator("form[action$='/merchant/tokens'] button[type=submit]").click()
    page.wait_for_load_state()
    secret = page.inner_text("#new-token")
    assert secret.startswith("kbz_")
    page.screenshot(path=str(artefacts / "merchant-token-en.png"), full_page=True)
    page.goto(f"{live_server}/merchant/tokens")  # a fresh visit, not a resubmission of the form
    assert page.locator("#new-token").count() == 0 and secret not in page.content()
    assert "browser check" in page.inner_text("main table")
