"""The public catalogue API in the shape CONTRACT.md gives."""
PRODUCT_KEYS = {"sku", "slug", "names", "descriptions", "category", "merchant", "origin_country", "hs_code",
                "goods_flags", "price", "weight_g", "dimensions_mm", "stock_available"}


def test_product_list_is_paginated_with_every_field(demo):
    client = demo.test_client()
    body = client.get("/api/v1/products").get_json()
    assert {"items", "page", "pages", "total"} <= set(body)
    assert body["page"] == 1 and body["total"] >= 80 and body["pages"] == -(-body["total"] // 24)
    assert len(body["items"]) == 24
    item = body["items"][0]
    assert set(item) >= PRODUCT_KEYS
    assert set(item["names"]) == {"en", "zh", "ru", "ur"}
    assert item["price"]["currency"] == "CNY" and item["price"]["amount"].count(".") == 1
    assert len(item["dimensions_mm"]) == 3


def test_second_page_holds_other_products(demo):
    client = demo.test_client()
    first = {p["sku"] for p in client.get("/api/v1/products?page=1").get_json()["items"]}
    second = {p["sku"] for p in client.get("/api/v1/products?page=2").get_json()["items"]}
    assert second and not first & second


def test_filters_by_origin_and_category(demo):
    client = demo.test_client()
    body = client.get("/api/v1/products?origin=PK").get_json()
    assert body["total"] > 0 and all(p["origin_country"] == "PK" for p in body["items"])
    body = client.get("/api/v1/products?category=no-such-category").get_json()
    assert body["total"] == 0 and body["items"] == []


def test_one_product_by_sku_with_stock(demo):
    client = demo.test_client()
    sku = client.get("/api/v1/products").get_json()["items"][0]["sku"]
    body = client.get(f"/api/v1/products/{sku}").get_json()
    assert body["sku"] == sku and isinstance(body["stock_available"], int)


def test_unknown_sku_is_a_json_404(demo):
    response = demo.test_client().get("/api/v1/products/NO-SUCH-SKU-0")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "unknown_sku"


def test_bad_page_is_a_json_400(demo):
    response = demo.test_client().get("/api/v1/products?page=abc")
    assert response.status_code == 400
    assert "error" in response.get_json()
