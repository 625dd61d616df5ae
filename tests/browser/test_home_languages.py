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


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("lang", ["en", "zh", "ru", "ur"])
def test_the_currency_menu_shows_the_whole_name_of_the_chosen_currency(page, live_server, lang, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server}/{lang}/")
    fits = page.evaluate("""() => {
        const select = document.querySelector('#currency-select');
        const style = getComputedStyle(select);
        const context = document.createElement('canvas').getContext('2d');
        context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const text = select.options[select.selectedIndex].text;
        // the arrow and the padding take about 24 px of the box
        return {text, needed: Math.ceil(context.measureText(text).width) + 24, has: select.clientWidth,
                page: document.documentElement.scrollWidth, viewport: window.innerWidth};
    }""")
    assert fits["needed"] <= fits["has"], fits
    assert fits["page"] <= fits["viewport"], fits  # and the header does not push the page sideways
