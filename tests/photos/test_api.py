"""Photos through the merchant API: POST .../images answers 201 with the image and its renditions,
the product JSON lists them, DELETE takes one off; another merchant's listing or photo is a 404."""
from __future__ import annotations

import io

import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from shop.extensions import db
from shop.models import AuditLog, ProductImage
from tests.photos.conftest import GPS_IFD, bearer, picture

URL = "/api/v1/merchant/products/A-BREAD-1/images"


def upload(client, token, data: bytes, name: str = "photo.jpg", url: str = URL, **fields):
    # Encoded here, in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), filename=name), **fields})
    return client.post(url, headers=bearer(token), data=body, content_type=f"multipart/form-data; boundary={boundary}")


def fetch(client, url: str):
    """The file at a media URL, its response closed (a file response holds the file open)."""
    assert url.startswith("http://127.0.0.1:5000/media/"), url
    response = client.get(url.removeprefix("http://127.0.0.1:5000"))
    response.get_data()
    response.close()
    return response


def test_an_uploaded_photo_answers_201_with_its_renditions_and_alt_texts(shop, alpha_token, media_dir):
    client = shop.test_client()
    response = upload(client, alpha_token, picture("JPEG", (1600, 1000), gps=True), alt_en="A rye loaf, sliced",
                      alt_ru="Ржаной хлеб в нарезке", alt_ur="کٹی ہوئی روٹی")
    assert response.status_code == 201, response.get_json()
    image = response.get_json()
    assert set(image) == {"id", "url", "width", "height", "alt", "renditions"}
    assert (image["width"], image["height"]) == (1600, 1000)
    assert image["alt"] == {"en": "A rye loaf, sliced", "zh": None, "ru": "Ржаной хлеб в нарезке", "ur": "کٹی ہوئی روٹی"}
    assert [r["width"] for r in image["renditions"]] == [320, 640, 1280]
    for rendition in image["renditions"]:
        answer = fetch(client, rendition["url"])
        assert answer.status_code == 200 and answer.mimetype == "image/webp"
        assert Image.open(io.BytesIO(answer.data)).width == rendition["width"]
    original = fetch(client, image["url"])
    assert original.status_code == 200 and original.mimetype == "image/jpeg"
    assert "max-age=31536000" in original.headers["Cache-Control"] and "immutable" in original.headers["Cache-Control"]
    assert not Image.open(io.BytesIO(original.data)).getexif().get_ifd(GPS_IFD)
    assert len(list(media_dir.rglob("*.*"))) == 4


def test_the_product_json_lists_its_photos_in_order(shop, alpha_token):
    client = shop.test_client()
    first = upload(client, alpha_token, picture("PNG", (500, 400))).get_json()
    second = upload(client, alpha_token, picture("WEBP", (300, 300)), name="x.webp").get_json()
    product = client.get("/api/v1/products/A-BREAD-1").get_json()
    assert [i["id"] for i in product["images"]] == [first["id"], second["id"]]
    assert product["images"][1]["renditions"] == [{"url": second["renditions"][0]["url"], "width": 300}]
    mine = client.get("/api/v1/merchant/products", headers=bearer(alpha_token)).get_json()["items"][0]
    assert [i["id"] for i in mine["images"]] == [first["id"], second["id"]]
    # The listing, sent back unchanged with its images, still saves.
    assert client.put("/api/v1/merchant/products/A-BREAD-1", headers=bearer(alpha_token), json=mine).status_code == 200


def test_a_product_without_photos_has_an_empty_list(shop):
    assert shop.test_client().get("/api/v1/products/B-CREAM-1").get_json()["images"] == []


def test_delete_takes_the_photo_and_its_files_away(shop, alpha_token, media_dir):
    client = shop.test_client()
    image = upload(client, alpha_token, picture()).get_json()
    response = client.delete(f"{URL}/{image['id']}", headers=bearer(alpha_token))
    assert response.status_code == 204
    assert client.get("/api/v1/products/A-BREAD-1").get_json()["images"] == []
    assert fetch(client, image["url"]).status_code == 404
    assert list(media_dir.rglob("*.*")) == []
    again = client.delete(f"{URL}/{image['id']}", headers=bearer(alpha_token))
    assert again.status_code == 404 and again.get_json()["error"]["code"] == "unknown_image"
    with shop.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
            AuditLog.action == "listing.image_delete")) == 1


def test_another_merchant_can_neither_add_to_nor_delete_from_a_listing_not_theirs(shop, alpha_token, beta_token,
                                                                                  media_dir):
    client = shop.test_client()
    image = upload(client, alpha_token, picture()).get_json()
    refused = upload(client, beta_token, picture())
    assert refused.status_code == 404 and refused.get_json()["error"]["code"] == "unknown_sku"
    assert client.delete(f"{URL}/{image['id']}", headers=bearer(beta_token)).status_code == 404
    # Beta's own SKU in the address does not reach Alpha's photo either.
    own = f"/api/v1/merchant/products/B-CREAM-1/images/{image['id']}"
    assert client.delete(own, headers=bearer(beta_token)).status_code == 404
    assert len(client.get("/api/v1/products/A-BREAD-1").get_json()["images"]) == 1
    assert upload(client, None, picture()).status_code == 401  # no token at all
    with shop.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ProductImage)) == 1
    assert len(list(media_dir.rglob("*.jpg"))) == 1


def test_what_is_not_a_photo_gets_a_400_and_leaves_nothing(shop, alpha_token, media_dir):
    client = shop.test_client()
    gif = io.BytesIO()
    Image.new("RGB", (40, 40)).save(gif, format="GIF")
    for data, name, code in ((gif.getvalue(), "photo.jpg", "unsupported_image"),
                             (b"#!/bin/sh\nrm -rf /\n", "photo.png", "unsupported_image"),
                             (b"", "empty.jpg", "empty_file")):
        response = upload(client, alpha_token, data, name)
        assert response.status_code == 400 and response.get_json()["error"]["code"] == code
        assert response.get_json()["error"]["message"]
    bomb = io.BytesIO()
    Image.new("1", (12000, 12000)).save(bomb, format="PNG")
    response = upload(client, alpha_token, bomb.getvalue(), "bomb.png")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "image_too_large"
    assert list(media_dir.rglob("*.*")) == []
    assert client.get("/api/v1/products/A-BREAD-1").get_json()["images"] == []


def test_a_photo_over_15_mb_is_413(shop, alpha_token):
    response = upload(shop.test_client(), alpha_token, picture("PNG", (60, 60)) + b"\0" * (15 * 1024 * 1024 + 10))
    assert response.status_code == 413 and response.get_json()["error"]["code"] in ("file_too_large", "too_large")


def test_hostile_fields_get_4xx_not_5xx(shop, alpha_token):
    client = shop.test_client()
    no_file = client.post(URL, headers=bearer(alpha_token), content_type="multipart/form-data", data={"alt_en": "x"})
    assert no_file.status_code == 422 and "file" in no_file.get_json()["error"]["fields"]
    json_body = client.post(URL, headers=bearer(alpha_token), json={"file": "aGVsbG8="})
    assert json_body.status_code == 400 and json_body.get_json()["error"]["code"] == "multipart_required"
    too_long = upload(client, alpha_token, picture(), alt_en="x" * 251)
    assert too_long.status_code == 422
    nul = upload(client, alpha_token, picture(), alt_zh="a\x00b")
    assert nul.status_code == 400
    unknown = upload(client, alpha_token, picture(), alt_xx="hi")
    assert unknown.status_code == 422 and "alt_xx" in unknown.get_json()["error"]["fields"]
    assert client.delete(f"{URL}/99999999999999999999", headers=bearer(alpha_token)).status_code == 404
    assert client.get("/api/v1/products/A-BREAD-1").get_json()["images"] == []


def test_a_listing_holds_at_most_twelve_photos(shop, alpha_token):
    client = shop.test_client()
    small = picture("PNG", (40, 30))
    for _ in range(12):
        assert upload(client, alpha_token, small, "p.png").status_code == 201
    refused = upload(client, alpha_token, small, "p.png")
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "too_many_images"
