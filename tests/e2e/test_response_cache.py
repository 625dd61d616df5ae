"""Public catalogue JSON is kept a few seconds per worker, and only when the config allows."""
import sqlalchemy as sa

from shop.extensions import db
from shop.models import Product


def test_catalogue_json_is_served_from_the_cache_within_its_seconds(demo):
    demo.config["STOREFRONT_PAGE_CACHE_SECONDS"] = 30
    client = demo.test_client()
    first = client.get("/api/v1/products/KZ-0001").get_json()
    with demo.app_context(), db.engine.begin() as conn:  # behind the shop's back: no use case ran
        conn.execute(sa.update(Product).where(Product.sku == "KZ-0001").values(weight_g=1234))
    assert client.get("/api/v1/products/KZ-0001").get_json() == first
    demo.config["STOREFRONT_PAGE_CACHE_SECONDS"] = 0
    assert client.get("/api/v1/products/KZ-0001").get_json()["weight_g"] == 1234


def test_errors_other_than_not_found_are_never_kept(demo):
    demo.config["STOREFRONT_PAGE_CACHE_SECONDS"] = 30
    client = demo.test_client()
    assert client.get("/api/v1/products?page=abc").status_code == 400
    assert client.get("/api/v1/products?page=1").status_code == 200


def test_a_write_through_the_shop_starts_a_new_cache_generation(demo):
    demo.config["STOREFRONT_PAGE_CACHE_SECONDS"] = 30
    client = demo.test_client()
    assert client.get("/api/v1/products/KZ-0001").get_json()["weight_g"] != 1234
    with demo.app_context():
        db.session.execute(sa.update(Product).where(Product.sku == "KZ-0001").values(weight_g=1234))
        db.session.commit()
    assert client.get("/api/v1/products/KZ-0001").get_json()["weight_g"] == 1234
