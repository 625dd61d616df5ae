"""Listings' messages are made without Babel (shop.domain.messages) and said by the web layer:
every one is in the catalogues, and the portal, the API and the import read in the merchant's
language, plural forms included."""
import gettext
import html
import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask_babel import force_locale

from shop.services import listings
from tests.merchant.test_import import GOOD, csv_bytes, row

ROOT = Path(__file__).resolve().parents[2]
# The keywords `make extract-translations` passes for these markers.
MARKERS = {"N_": None, "Nn_": (1, 2)}


def catalogue(lang: str):
    with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=lang)


def marked_msgids() -> dict[str | tuple[str, str], bool]:
    found = {}
    for folder in ("services", "domain"):
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
                ROOT / "shop" / folder, method_map=[("**.py", "python")], keywords=MARKERS):
            found[message] = isinstance(message, tuple)
    return found


def said(lang: str, msgid: str, n: int | None = None, **values) -> str:
    """What the catalogue says for msgid in lang (the plural form for n), values filled in."""
    cat = catalogue(lang)
    entry = cat.get(msgid)
    assert entry is not None and entry.string, (lang, msgid)
    if n is None:
        return entry.string % values if values else entry.string
    index = gettext.c2py(cat.plural_expr)(n)
    return entry.string[index] % {"num": n, **values}


def test_the_marked_messages_are_the_listings_messages():
    msgids = marked_msgids()
    assert "Enter a two-letter country code such as KZ." in msgids
    assert ("Unknown column: %(names)s.", "Unknown columns: %(names)s.") in msgids
    assert len(msgids) > 50


@pytest.mark.parametrize("lang", ["zh", "ru", "ur"])
def test_every_marked_message_is_translated_with_its_plural_forms(lang):
    cat = catalogue(lang)
    missing, singular_only = [], []
    for msgid, plural in marked_msgids().items():
        entry = cat.get(msgid[0] if plural else msgid)
        if entry is None or not (entry.string if isinstance(entry.string, str) else all(entry.string)):
            missing.append(msgid)
        elif plural and not isinstance(entry.id, tuple):
            singular_only.append(msgid)
    assert missing == []
    assert singular_only == []


def test_the_import_page_lists_problems_in_the_portals_language(world, alpha):
    alpha.get("/merchant/language/ur?next=/merchant/import")
    bad = csv_bytes([row(price_cny="0"), row(sku="A-2", lot_number="A-L2", weight_g="-5")])
    response = alpha.post("/merchant/import", {"file": (io.BytesIO(bad), "l.csv")},
                          content_type="multipart/form-data")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert said("ur", "A price must be more than zero.") in page
    assert said("ur", "This cannot be negative.") in page
    assert "A price must be more than zero." not in page


def test_a_listing_form_shows_the_services_messages_in_russian(world, alpha):
    from tests.merchant.conftest import listing_form
    alpha.get("/merchant/language/ru?next=/merchant/listings")
    response = alpha.post("/merchant/listings/new", listing_form(origin_country="XX", hs_code="12"))
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert said("ru", "Enter a two-letter country code such as KZ.") in page
    assert said("ru", "Enter an HS code of 4 to 10 digits, such as 1905.90.") in page


def test_api_lot_errors_follow_accept_language(world, alpha_token):
    from tests.merchant.conftest import bearer
    response = world.test_client().post("/api/v1/merchant/lots", headers={**bearer(alpha_token),
                                                                         "Accept-Language": "zh"},
                                        json={"sku": "A-BREAD-1", "lot_number": "A-NEW-1", "quantity": 5,
                                              "bin": "A 01", "customs_entry": "1"})
    fields = response.get_json()["error"]["fields"]
    assert response.status_code == 422
    assert fields["bin"] == said("zh", "Enter a bin such as A-01-01 (letters, digits and dashes).")
    assert fields["customs_entry"] == said("zh", "A customs entry declaration number has 18 digits.")


@pytest.mark.parametrize(("lang", "problems"), [("ru", 1), ("ru", 3), ("ru", 5), ("ur", 1), ("ur", 2), ("zh", 2)])
def test_the_import_errors_summary_takes_the_plural_form_of_the_count(world, lang, problems):
    rows = [*GOOD[:1], *(row(sku=f"A-X-{i}", lot_number=f"A-XL-{i}", price_cny="free") for i in range(problems))]
    with world.test_request_context(), force_locale(lang):
        with pytest.raises(listings.ListingImportError) as caught:
            listings.import_listings_csv(csv_bytes(rows), "alpha-bakery")
        lines = str(caught.value).splitlines()
        first_row = said(lang, "Row %(row)d, column %(column)s: %(message)s", row=3, column="price_cny",
                         message=said(lang, "Enter an amount such as 12.50."))
    assert lines[0] == said(lang, "The file has %(num)d problem; nothing was imported.", problems)
    assert lines[1] == first_row
