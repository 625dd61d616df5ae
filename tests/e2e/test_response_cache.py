"""Public catalogue JSON is kept a few seconds per worker, and only when the config allows."""
import pytest
import sqlalchemy as sa

from shop.extensions import db
from shop.models import Product


@pytest.mark.committed  # another connection edits the row behind the shop's back
def test_catalogue_json_is_served_from_the_cache_within_its_seconds(demo):
    demo.config["STOREFRONT_PAGE_CACHE_SECONDS"] = 30
    client = demo.test_client()
    first = client.get("/api/v1/products/KZ-0001").get_json()
    with demo.app_context(), db.engine.begin() as conn:  # behind the shop's back: no use case ran
        conn.execute(sa.update(Product).where(Product.sku == "KZ-0001").values(weight_g=1234))
    assert client.get("/api/v1/products/KZ-0001").get_json() == first
    demo.config["STOREFRONT_PAGE_CACHE_SECONDS"] = 0
    assert client.get("/api/v1/products/KZ-0001").get_json()["weight_g"] == 1234


def test_errors_other_than_not_found_are_never_kept(demo, monkeypatch):
    """A visitor the API answered with an error gets the real answer on the next try at the same
    address, not the error kept for the cache's seconds."""
    from shop.web.api import routes

    demo.config["STOREFRONT_PAGE_CACHE_SECONDS"] = 30
    client = demo.test_client()
    with monkeypatch.context() as patch:
        def refuse():
            raise routes.BadParameter("invalid_page", "page must be a positive whole number")
        patch.setattr(routes, "_page_arg", refuse)  # the view refuses this one request
        refused = client.get("/api/v1/products?page=2")
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "invalid_page"
    again = client.get("/api/v1/products?page=2")
    assert again.status_code == 200
    assert again.get_json()["page"] == 2 and again.get_json()["items"]


def test_a_write_through_the_shop_starts_a_new_cache_generation(demo):
    demo.config["STOREFRONT_PAGE_CACHE_SECONDS"] = 30
    client = demo.test_client()
    assert client.get("/api/v1/products/KZ-0001").get_json()["weight_g"] != 1234
    with demo.app_context():
        db.session.execute(sa.update(Product).where(Product.sku == "KZ-0001").values(weight_g=1234))
        db.session.commit()
    assert client.get("/api/v1/products/KZ-0001").get_json()["weight_g"] == 1234
