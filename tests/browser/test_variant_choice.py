"""A buyer chooses a variant in Chromium: price, stock, name, promise and address follow the choice."""
import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["ru", "ur"])
def test_choosing_the_hard_bag_shows_its_price_and_adds_it_to_the_cart(page, live_server, lang):
    page.goto(f"{live_server}/{lang}/products/lieba-russian-style-bread-soft-bag-500-g")
    soft_price = page.inner_text(".product-price")
    page.check("input[value='CN-0001-HB']")
    assert page.inner_text(".product-price") != soft_price
    assert page.url.endswith("/products/lieba-russian-style-bread-hard-bag-500-g")
    assert ("жёсткая" in page.inner_text("#product-name")) if lang == "ru" else ("سخت" in page.inner_text("#product-name"))
    page.click(".add-to-cart button[type=submit]")
    page.wait_for_url("**/cart")
    assert "CN-0001-HB" in page.content() or ("жёсткая" in page.inner_text("main") if lang == "ru"
                                              else "سخت" in page.inner_text("main"))


def test_the_choice_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/en/products/lieba-russian-style-bread-soft-bag-500-g")
    page.check("input[value='CN-0001-HB']")
    page.click(".add-to-cart button[type=submit]")
    assert "Hard Bag" in page.inner_text("main")
    context.close()
