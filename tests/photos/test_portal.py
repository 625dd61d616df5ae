"""Photos on the listing edit page: several at once, reorder, alt texts in four languages, delete;
CSRF on each form; a merchant never touches another's listing or photo."""
from __future__ import annotations

import io
import re

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from shop.extensions import db
from shop.models import ProductImage
from tests.photos.conftest import picture
from tests.support import csrf_from

EDIT = "/merchant/listings/A-BREAD-1/edit"


def send_photos(portal, files, sku="A-BREAD-1", csrf=True, **fields):
    token = csrf_from(portal.get(EDIT).get_data(as_text=True))
    values = {**({"csrf_token": token} if csrf else {}), **fields}
    parts = [(k, v) for k, v in values.items()] + [("files", FileStorage(io.BytesIO(data), filename=name))
                                                    for name, data in files]
    from werkzeug.datastructures import MultiDict
    boundary, body = encode_multipart(MultiDict(parts))
    return portal.client.post(f"/merchant/listings/{sku}/images", data=body,
                              content_type=f"multipart/form-data; boundary={boundary}")


def images(app, sku="A-BREAD-1"):
    with app.app_context():
        from shop.models import Product
        return [(i.id, i.width, dict(i.alt or {})) for i in db.session.scalars(
            sa.select(ProductImage).join(Product).where(Product.sku == sku)
            .order_by(ProductImage.position, ProductImage.id))]


def test_a_merchant_uploads_several_photos_at_once_and_sees_them_on_the_edit_page(shop, alpha):
    response = send_photos(alpha, [("front.jpg", picture("JPEG", (1200, 900))), ("back.png", picture("PNG", (700, 500)))],
                           alt_en="Alpha rye bread", alt_zh="黑麦面包", alt_ru="Ржаной хлеб", alt_ur="رائی کی روٹی")
    assert response.status_code == 303 and response.headers["Location"].endswith("/edit#photos")
    page = alpha.get(EDIT).get_data(as_text=True)
    assert "2 photos added." in page
    saved = images(shop)
    assert [w for _i, w, _a in saved] == [1200, 700]
    assert saved[0][2] == {"en": "Alpha rye bread", "zh": "黑麦面包", "ru": "Ржаной хлеб", "ur": "رائی کی روٹی"}
    assert page.count('class="photo-thumb"') == 2 and 'srcset="/media/products/' in page
    assert 'value="رائی کی روٹی"' in page


def test_one_bad_file_among_several_saves_none_of_them(shop, alpha, media_dir):
    response = send_photos(alpha, [("ok.jpg", picture()), ("notes.jpg", b"just some text")])
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Photo 2: This is not a JPEG, PNG or WebP picture." in page
    assert images(shop) == [] and list(media_dir.rglob("*.*")) == []


def test_photos_are_reordered_described_and_deleted(shop, alpha, media_dir):
    send_photos(alpha, [("a.jpg", picture("JPEG", (900, 600))), ("b.jpg", picture("JPEG", (800, 600))),
                        ("c.jpg", picture("JPEG", (700, 600)))])
    first, second, third = (i for i, _w, _a in images(shop))
    response = alpha.post("/merchant/listings/A-BREAD-1/images/arrange", {
        f"position-{first}": "3", f"position-{second}": "1", f"position-{third}": "2",
        f"alt_en-{second}": "The loaf cut open", f"alt_ur-{second}": "کٹی ہوئی روٹی"}, form_page=EDIT)
    assert response.status_code == 303
    assert [i for i, _w, _a in images(shop)] == [second, third, first]
    assert images(shop)[0][2] == {"en": "The loaf cut open", "ur": "کٹی ہوئی روٹی"}
    # The first photo is the listing's card picture, described as the merchant wrote.
    listing = shop.test_client().get("/en/products?q=Alpha").get_data(as_text=True)
    card = re.search(r'<li class="card product-card" data-sku="A-BREAD-1">.*?</li>', listing, re.S).group(0)
    assert re.search(r'<img class="thumb" src="/media/products/\d+/\w+-800\.webp" srcset="[^"]+-320\.webp 320w, '
                     r'[^"]+-640\.webp 640w, [^"]+-800\.webp 800w" sizes="[^"]+" alt="" width="800" height="600"', card)

    files_before = len(list(media_dir.rglob("*.*")))
    response = alpha.post(f"/merchant/listings/A-BREAD-1/images/{third}/delete", {}, form_page=EDIT)
    assert response.status_code == 303
    assert [i for i, _w, _a in images(shop)] == [second, first]
    assert len(list(media_dir.rglob("*.*"))) == files_before - 4  # the original and its three renditions


def test_a_place_that_is_not_a_number_changes_nothing(shop, alpha):
    send_photos(alpha, [("a.jpg", picture()), ("b.jpg", picture())])
    before = images(shop)
    response = alpha.post("/merchant/listings/A-BREAD-1/images/arrange",
                          {f"position-{before[0][0]}": "first", f"position-{before[1][0]}": "2"}, form_page=EDIT)
    assert response.status_code == 400 and "whole number" in response.get_data(as_text=True)
    assert images(shop) == before


def test_the_photo_forms_need_their_csrf_token(shop, alpha):
    # Without the token the shop says the form expired and sends the merchant back; nothing changes.
    response = send_photos(alpha, [("a.jpg", picture())], csrf=False)
    assert response.status_code == 303 and images(shop) == []
    send_photos(alpha, [("a.jpg", picture())])
    (image_id, _w, _a), = images(shop)
    assert alpha.client.post(f"/merchant/listings/A-BREAD-1/images/{image_id}/delete").status_code == 303
    assert alpha.client.post("/merchant/listings/A-BREAD-1/images/arrange",
                             data={f"alt_en-{image_id}": "hijacked"}).status_code == 303
    assert images(shop) == [(image_id, 1600, {})]
    assert "Your form had expired" in alpha.get(EDIT).get_data(as_text=True)


def test_another_merchant_cannot_upload_arrange_or_delete_photos_of_a_listing_not_theirs(shop, alpha, beta):
    send_photos(alpha, [("a.jpg", picture())])
    (image_id, _w, _a), = images(shop)
    token = csrf_from(beta.get("/merchant/listings/B-CREAM-1/edit").get_data(as_text=True))
    boundary, body = encode_multipart({"csrf_token": token, "files": FileStorage(io.BytesIO(picture()), filename="x.jpg")})
    upload = beta.client.post("/merchant/listings/A-BREAD-1/images", data=body,
                              content_type=f"multipart/form-data; boundary={boundary}")
    assert upload.status_code == 404
    assert beta.client.post(f"/merchant/listings/A-BREAD-1/images/{image_id}/delete",
                            data={"csrf_token": token}).status_code == 404
    # Through its own listing's address, Alpha's photo id is still not Beta's to delete or describe.
    assert beta.client.post(f"/merchant/listings/B-CREAM-1/images/{image_id}/delete",
                            data={"csrf_token": token}).status_code == 404
    assert beta.client.post("/merchant/listings/B-CREAM-1/images/arrange",
                            data={"csrf_token": token, f"alt_en-{image_id}": "mine now"}).status_code in (303, 404)
    assert images(shop) == [(image_id, 1600, {})] and images(shop, "B-CREAM-1") == []
    anonymous = shop.test_client().post(f"/merchant/listings/A-BREAD-1/images/{image_id}/delete")
    assert anonymous.status_code in (302, 303) and images(shop) == [(image_id, 1600, {})]
