"""Photos on the buyer's pages: the product page shows the first photo with srcset, sizes, width and
height and the others lazily; /media/ serves files with a year's cache and nothing outside its folder."""
from __future__ import annotations

import re

from tests.photos.conftest import picture
from tests.photos.test_api import upload


def test_the_product_page_shows_every_photo_with_srcset_and_its_size(shop, alpha_token):
    client = shop.test_client()
    upload(client, alpha_token, picture("JPEG", (1600, 1200)), alt_ru="Ржаной хлеб «Альфа» на доске")
    upload(client, alpha_token, picture("PNG", (800, 800)), alt_en="The loaf cut open")
    page = client.get("/ru/products?q=Alpha").get_data(as_text=True)
    slug = re.search(r'href="/ru/products/([^"]+)"', page).group(1)
    html = client.get(f"/ru/products/{slug}").get_data(as_text=True)
    media = re.search(r'<div class="product-media">(.*?)</div>', html, re.S).group(1)
    main, *more = re.findall(r"<img [^>]+>", media)
    assert 'srcset="/media/products/' in main and "320w" in main and "1280w" in main and 'sizes="' in main
    assert 'width="1600" height="1200"' in main and 'alt="Ржаной хлеб «Альфа» на доске"' in main
    assert 'fetchpriority="high"' in main and "loading=" not in main
    assert len(more) == 1 and 'loading="lazy"' in more[0] and 'width="800" height="800"' in more[0]
    assert 'alt="The loaf cut open"' in more[0]  # no Russian description: the English one


def test_media_refuses_paths_outside_its_folder(shop, alpha_token, media_dir):
    (media_dir.parent / "secret.jpg").write_bytes(b"TOP-SECRET-BYTES-42")
    client = shop.test_client()
    for path in ("/media/../secret.jpg", "/media/%2e%2e/secret.jpg", "/media/products/..%2f..%2fsecret.jpg",
                 "/media/products/%00.jpg", "/media//etc/passwd", "/media/products/x.svg", "/media/"):
        response = client.get(path, follow_redirects=True)  # "//" is merged into "/" by a redirect first
        assert response.status_code in (400, 404), path
        assert b"TOP-SECRET-BYTES-42" not in response.data


def test_a_listing_without_photos_keeps_its_drawing(shop):
    page = shop.test_client().get("/en/products?q=Beta").get_data(as_text=True)
    assert re.search(r'<img class="thumb" src="/static/img/goods/skincare\.svg" alt="" width="320" height="240"', page)
