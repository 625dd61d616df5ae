"""What Pillow checks and does to every upload, judged by the content: the kinds taken, the size
limits, a decompression bomb, orientation, EXIF and GPS, and the WebP renditions."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from shop.services.photos import imaging
from tests.photos.conftest import GPS_IFD, ORIENTATION, picture


def reopened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_photo_is_kept_in_its_own_format_without_exif_or_gps(fmt):
    cleaned = imaging.clean(picture(fmt, (800, 600), gps=True))
    kept = reopened(cleaned.data)
    assert kept.format == fmt and cleaned.content_type == f"image/{fmt.lower()}"
    assert (cleaned.width, cleaned.height) == (800, 600)
    exif = kept.getexif()
    assert len(exif) == 0 and not exif.get_ifd(GPS_IFD)
    assert b"Test camera" not in cleaned.data


def test_the_source_really_carried_gps_before_it_was_cleaned():
    exif = reopened(picture("JPEG", (100, 80), gps=True)).getexif()
    assert exif.get_ifd(GPS_IFD)[1] == "N"


def test_a_photo_taken_sideways_is_turned_upright():
    # Orientation 6: the camera was turned; viewers rotate the stored 1600x1000 picture 90° clockwise.
    cleaned = imaging.clean(picture("JPEG", (1600, 1000), orientation=6))
    kept = reopened(cleaned.data)
    assert (cleaned.width, cleaned.height) == (1000, 1600) == kept.size
    assert ORIENTATION not in kept.getexif()
    # The coloured left half is now on top.
    top, bottom = kept.getpixel((500, 200)), kept.getpixel((500, 1400))
    assert top[0] > 150 and top[1] < 120 and min(bottom) > 230


def test_kinds_are_judged_by_content_not_by_name():
    gif = io.BytesIO()
    Image.new("RGB", (40, 40), "red").save(gif, format="GIF")
    for data in (gif.getvalue(), b"GIF89a not really", b"<svg xmlns='http://www.w3.org/2000/svg'/>",
                 b"%PDF-1.4\n", b"plain text, named photo.jpg"):
        with pytest.raises(imaging.ImageRejected) as refused:
            imaging.clean(data)
        assert refused.value.code == "unsupported_image"


def test_an_empty_or_cut_short_file_is_refused():
    with pytest.raises(imaging.ImageRejected) as refused:
        imaging.clean(b"")
    assert refused.value.code == "empty_file"
    whole = picture("PNG", (600, 400))
    with pytest.raises(imaging.ImageRejected) as refused:
        imaging.clean(whole[: len(whole) // 2])
    assert refused.value.code == "broken_image"


def test_a_file_over_15_mb_is_refused_before_it_is_decoded():
    with pytest.raises(imaging.ImageRejected) as refused:
        imaging.clean(picture("PNG", (50, 50)) + b"\0" * (15 * 1024 * 1024))
    assert refused.value.code == "file_too_large" and "15 MB" in str(refused.value.message)


@pytest.mark.parametrize("size", [(8000, 7000), (12000, 12000)])
def test_a_decompression_bomb_is_refused(size):
    # A few kilobytes that would decode to 56 and 144 megapixels (Pillow's own limit is 89).
    bomb = io.BytesIO()
    Image.new("1", size).save(bomb, format="PNG")
    assert len(bomb.getvalue()) < 200_000
    with pytest.raises(imaging.ImageRejected) as refused:
        imaging.clean(bomb.getvalue())
    assert refused.value.code == "image_too_large" and "50 megapixels" in str(refused.value.message)


def test_renditions_are_webp_at_320_640_and_1280_never_wider_than_the_photo():
    assert imaging.rendition_widths(4000) == [320, 640, 1280]
    assert imaging.rendition_widths(900) == [320, 640, 900]
    assert imaging.rendition_widths(200) == [200]
    original = imaging.clean(picture("JPEG", (1600, 1000))).data
    data, height = imaging.rendition(original, 640)
    made = reopened(data)
    assert made.format == "WEBP" and made.size == (640, 400) and height == 400


def test_a_transparent_png_keeps_its_transparency_in_its_rendition():
    image = Image.new("RGBA", (700, 500), (0, 0, 0, 0))
    image.paste((10, 120, 200, 255), (0, 0, 350, 500))
    out = io.BytesIO()
    image.save(out, format="PNG")
    data, _height = imaging.rendition(imaging.clean(out.getvalue()).data, 320)
    made = reopened(data)
    assert made.mode == "RGBA" and made.getpixel((300, 100))[3] == 0 and made.getpixel((20, 100))[3] == 255


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
def test_a_cut_short_file_is_refused_even_when_pillow_is_told_to_accept_truncated_images(kind, monkeypatch):
    from PIL import ImageFile
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # as WeasyPrint leaves it for the process
    whole = picture(kind, (600, 400))
    imaging.clean(whole)
    with pytest.raises(imaging.ImageRejected) as refused:
        imaging.clean(whole[: len(whole) // 2])
    assert refused.value.code == "broken_image"
