"""Search in every script, typed as buyers type, on SQLite and PostgreSQL."""
import re

import pytest
import sqlalchemy as sa

from shop.extensions import db
from shop.models import Product, ProductTranslation
from shop.services import search


def skus(client, query, lang="en", **params):
    response = client.get(f"/{lang}/products", query_string={"q": query, **params})
    assert response.status_code == 200
    return re.findall(r'data-sku="([^"]+)"', response.get_data(as_text=True))


@pytest.mark.parametrize(("query", "expected"), [
    ("巧克力", "RU-CHOC-1"),            # Chinese, no spaces
    ("克力", "RU-CHOC-1"),              # two characters inside a name
    ("杏干", "UZ-APRICOT-1"),            # a whole two-character name
    ("杏", "UZ-APRICOT-1"),              # one character: a plain scan of the names
    ("chocolate 1", "RU-CHOC-1"),       # a long word and a short one together
    ("шоколада", "RU-CHOC-1"),          # Russian, another ending
    ("ШОКОЛАД", "RU-CHOC-1"),           # any case
    ("Мёд", "KG-HONEY-1"),              # ё typed or not
    ("мед иссык", "KG-HONEY-1"),        # two words, both must match
    ("кураги", "UZ-APRICOT-1"),
    ("چاکلیٹ", "RU-CHOC-1"),            # Urdu
    ("شہد", "KG-HONEY-1"),
    ("chocolate", "RU-CHOC-1"),         # English
    ("Apricots", "UZ-APRICOT-1"),
    ("ru-choc-1", "RU-CHOC-1"),         # SKU
    ("Fergana", "UZ-APRICOT-1"),        # description
    ("skin care", "PK-ATTAR-1"),        # category name
    ("Уход за кожей", "PK-ATTAR-1"),
])
def test_finds_products_in_every_script(shop, query, expected):
    assert expected in skus(shop.test_client(), query)


def test_arabic_keyboard_letters_find_urdu_text(shop):
    # Arabic yeh (U+064A) and kaf (U+0643) typed for Urdu ی and ک
    assert "RU-CHOC-1" in skus(shop.test_client(), "چاكليٹ".replace("ی", "\u064a"))


def test_name_matches_rank_before_description_matches(shop):
    with shop.app_context():
        from shop.models import Category, Merchant
        from tests.storefront.conftest import add_product
        merchant = db.session.scalar(sa.select(Merchant))
        food = db.session.scalar(sa.select(Category).where(Category.slug == "food"))
        add_product(sku="ZZ-WAFER-1", category=food, merchant=merchant,
                    names={"en": "Wafers", "zh": "威化饼", "ru": "Вафли", "ur": "ویفرز"},
                    descriptions={"en": "Crisp wafers with a chocolate layer.", "zh": "", "ru": "", "ur": ""})
        db.session.commit()
    found = skus(shop.test_client(), "chocolate")
    assert found.index("RU-CHOC-1") < found.index("ZZ-WAFER-1")


def test_inactive_products_are_not_found(shop):
    assert "XX-GONE-1" not in skus(shop.test_client(), "chocolate")


@pytest.mark.parametrize("query", [
    "'; DROP TABLE product; --", '"quoted"', "100%", "under_score", "<script>alert(1)</script>",
    "a" * 3000, "ш" * 3000, "NEAR(a b)", "chocolate AND OR NOT", "*", "\\", "\x00", "🍫",
])
def test_hostile_queries_are_harmless(shop, query):
    client = shop.test_client()
    response = client.get("/en/products", query_string={"q": query})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    with shop.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Product.id))) == 6


def test_percent_and_underscore_are_not_wildcards(shop):
    assert skus(shop.test_client(), "%") == []
    assert skus(shop.test_client(), "_") == []


def test_empty_result_says_so_and_suggests(shop):
    page = shop.test_client().get("/en/products", query_string={"q": "chocolate zebra"}).get_data(as_text=True)
    assert "Nothing found for “<bdi>chocolate zebra</bdi>”" in page
    assert 'href="/en/products?q=chocolate"' in page


def test_empty_result_suggests_a_shorter_word(shop):
    page = shop.test_client().get("/ru/products", query_string={"q": "шоколадище"}).get_data(as_text=True)
    assert "?q=%D1%88%D0%BE%D0%BA%D0%BE%D0%BB%D0%B0%D0%B4" in page  # шоколад


def test_index_follows_product_changes(shop):
    client = shop.test_client()
    assert "KZ-BREAD-1" not in skus(client, "лаваш")
    with shop.app_context():
        product = db.session.scalar(sa.select(Product).where(Product.sku == "KZ-BREAD-1"))
        text = next(t for t in product.translations if t.lang == "ru")
        text.name = "Лаваш армянский"
        search.index_product(product)
        db.session.commit()
    assert "KZ-BREAD-1" in skus(client, "лаваш")
    assert "KZ-BREAD-1" not in skus(client, "лиеба")
    with shop.app_context():
        product = db.session.scalar(sa.select(Product).where(Product.sku == "KZ-BREAD-1"))
        db.session.delete(product.lots[0])
        db.session.execute(sa.delete(ProductTranslation).where(ProductTranslation.product_id == product.id))
        db.session.execute(sa.delete(search.SearchDocument).where(search.SearchDocument.product_id == product.id))
        db.session.commit()
    assert "KZ-BREAD-1" not in skus(client, "лаваш")


def test_search_combines_with_filters(shop):
    client = shop.test_client()
    assert skus(client, "chocolate", origin="PK") == []
    assert skus(client, "chocolate", category="sweets") == ["RU-CHOC-1"]


@pytest.mark.parametrize(("word", "stemmed"), [
    ("шоколада", "шоколад"), ("конфеты", "конфет"), ("хлеба", "хлеб"), ("чай", "чай"),
    ("noodles", "noodle"), ("boxes", "box"), ("glass", "glass"), ("巧克力", "巧克力"),
])
def test_stemming(word, stemmed):
    assert search.stem(word) == stemmed


def test_normalise_folds_case_width_and_marks():
    assert search.normalise("ＡＢＣ Ёлка «Crème»") == "abc елка creme"
    assert search.normalise("Чай-Йогурт") == "чай йогурт"


def test_reindexing_everything_keeps_search_working(shop):
    with shop.app_context():
        assert search.reindex_all() == 6
        db.session.commit()
        ids = db.session.execute(sa.select(search.SearchDocument.id, search.SearchDocument.product_id,
                                           search.SearchDocument.lang)).all()
        assert all(doc_id == search.document_id(pid, lang) for doc_id, pid, lang in ids)
    assert "RU-CHOC-1" in skus(shop.test_client(), "шоколад")
