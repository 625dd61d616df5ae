"""A buyer opens the home page in each language in a real Chromium."""
import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("lang", "html_lang", "direction", "text"), [
    ("en", "en", "ltr", "Featured"),
    ("zh", "zh-Hans", "ltr", "精选"),
    ("ru", "ru", "ltr", "Избранное"),
    ("ur", "ur", "rtl", "منتخب"),
])
def test_home_page_in_each_language(page, live_server, artefacts, lang, html_lang, direction, text):
    page.goto(f"{live_server}/{lang}/")
    assert page.get_attribute("html", "lang") == html_lang
    assert page.get_attribute("html", "dir") == direction
    assert text in page.inner_text("main")
    page.screenshot(path=str(artefacts / f"home-{lang}.png"), full_page=True)


def test_urdu_is_set_in_nastaliq(page, live_server):
    page.goto(f"{live_server}/ur/")
    family = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "Noto Nastaliq Urdu" in family
    assert page.evaluate("document.fonts.ready.then(() => document.fonts.status)") == "loaded"
    assert page.evaluate("document.fonts.check('16px \"Noto Nastaliq Urdu\"', 'اردو')")
