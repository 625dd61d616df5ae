"""`shop import-images DIR --merchant SLUG`: photos named after SKUs, in the order of their numbers,
with progress; one problem anywhere attaches nothing."""
from __future__ import annotations

import sqlalchemy as sa

from shop.extensions import db
from shop.models import Product, ProductImage
from tests.photos.conftest import picture


def photos_of(app, sku):
    with app.app_context():
        return [(i.width, len(i.renditions)) for i in db.session.scalars(
            sa.select(ProductImage).join(Product).where(Product.sku == sku).order_by(ProductImage.position))]


def test_a_folder_of_photos_is_attached_in_order_with_progress(shop, tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "A-BREAD-1-3.webp").write_bytes(picture("WEBP", (500, 400)))
    (folder / "A-BREAD-1.jpg").write_bytes(picture("JPEG", (900, 600)))
    (folder / "A-BREAD-1-2.png").write_bytes(picture("PNG", (700, 500)))
    (folder / ".DS_Store").write_bytes(b"\0")
    result = shop.test_cli_runner().invoke(args=["shop", "import-images", str(folder), "--merchant", "alpha-bakery"])
    assert result.exit_code == 0, result.output
    assert "Checking photos" in result.output and "Attached 3 photos to 1 listings." in result.output
    assert photos_of(shop, "A-BREAD-1") == [(900, 3), (700, 3), (500, 2)]  # 500 px wide: 320 and 500


def test_one_bad_file_or_a_foreign_sku_attaches_nothing(shop, tmp_path, media_dir):
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "A-BREAD-1.jpg").write_bytes(picture())
    (folder / "A-BREAD-1-2.jpg").write_bytes(b"not a picture at all")
    (folder / "B-CREAM-1.jpg").write_bytes(picture())  # Beta's listing, not Alpha's
    (folder / "notes.txt").write_text("hello")
    result = shop.test_cli_runner().invoke(args=["shop", "import-images", str(folder), "--merchant", "alpha-bakery"])
    assert result.exit_code != 0
    assert "B-CREAM-1.jpg: You have no listing with the SKU this file is named after." in result.output
    assert "notes.txt: Name photos <SKU>.jpg" in result.output
    assert "no photo was attached" in result.output
    assert photos_of(shop, "A-BREAD-1") == [] and photos_of(shop, "B-CREAM-1") == []
    (folder / "B-CREAM-1.jpg").unlink()
    (folder / "notes.txt").unlink()
    result = shop.test_cli_runner().invoke(args=["shop", "import-images", str(folder), "--merchant", "alpha-bakery"])
    assert "A-BREAD-1-2.jpg: This is not a JPEG, PNG or WebP picture." in result.output
    assert photos_of(shop, "A-BREAD-1") == [] and list(media_dir.rglob("*.*")) == []


def test_an_unknown_merchant_is_refused(shop, tmp_path):
    (tmp_path / "A-BREAD-1.jpg").write_bytes(picture())
    result = shop.test_cli_runner().invoke(args=["shop", "import-images", str(tmp_path), "--merchant", "nobody"])
    assert result.exit_code != 0 and "There is no merchant with this name." in result.output
