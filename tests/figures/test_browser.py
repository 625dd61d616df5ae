"""The admin home's charts in a real Chromium with JavaScript off: drawn, readable, and mirrored in Urdu."""
import re

import pytest

pytestmark = pytest.mark.browser


def _admin_home(browser, live_server, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    context.add_cookies([{"name": "office_lang", "value": lang, "url": live_server}])
    page = context.new_page()
    page.goto(f"{live_server}/{lang}/login?next=/admin/")
    page.fill("input[name=email]", "admin@shop.example")
    page.fill("input[name=password]", "demo-admin-2026")
    page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/admin/$"))
    return context, page


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_the_charts_draw_without_javascript_and_follow_the_reading_direction(browser, live_server, artefacts, lang):
    context, page = _admin_home(browser, live_server, lang)
    try:
        page.screenshot(path=str(artefacts / f"admin-home-{lang}.png"), full_page=True)
        assert page.get_attribute("html", "dir") == ("rtl" if lang == "ur" else "ltr")
        for chart in ("sales", "by-destination", "by-line", "departures"):
            svg = page.locator(f"#{chart} svg")
            assert svg.is_visible(), chart
            assert page.locator(f"#{chart} table tbody tr").count() > 0, chart
        svg = page.locator("#by-destination svg").bounding_box()
        bar = page.locator("#by-destination rect.chart-bar").first.bounding_box()
        label = page.locator("#by-destination text.chart-label").first.bounding_box()
        if lang == "ur":  # bars grow from the right, labels sit on the right
            assert abs((bar["x"] + bar["width"]) - (svg["x"] + svg["width"])) < 2
            assert label["x"] + label["width"] <= svg["x"] + svg["width"] + 1 and label["x"] > svg["x"] + svg["width"] / 2
        else:
            assert abs(bar["x"] - svg["x"]) < 2 and label["x"] < svg["x"] + svg["width"] / 2
        # Every label is inside its chart: nothing cut off at either edge (a few pixels of a Nastaliq swash aside).
        svg = page.locator("#departures svg").bounding_box()
        for text in page.locator("#departures text.chart-label").all():
            box = text.bounding_box()
            assert box["x"] >= svg["x"] - 4 and box["x"] + box["width"] <= svg["x"] + svg["width"] + 4
    finally:
        context.close()
