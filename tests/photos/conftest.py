"""Photo tests: the merchant portal's two merchants (tests/merchant/conftest.py), a media folder of
each test's own, and pictures made on the spot (with EXIF, GPS and an orientation to undo)."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.merchant.conftest import (  # noqa: F401  (fixtures the tests here use)
    Portal,
    alpha,
    alpha_token,
    bearer,
    beta,
    beta_token,
    world,
)

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def picture(fmt: str = "JPEG", size: tuple[int, int] = (1600, 1000), *, orientation: int | None = None,
            gps: bool = False, colour: tuple[int, int, int] = (200, 60, 40)) -> bytes:
    """A picture in `fmt`: left half coloured, right half white (so turning it shows), with EXIF
    carrying an orientation and a GPS position when asked."""
    image = Image.new("RGB", size, "white")
    image.paste(colour, (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[0x010F] = "Test camera"
    if orientation:
        exif[ORIENTATION] = orientation
    if gps:
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (39.0, 28.0, 12.0), 3: "E", 4: (75.0, 59.0, 30.0)})
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif.tobytes() if fmt in ("JPEG", "WEBP", "PNG") else None)
    return out.getvalue()


@pytest.fixture
def media_dir(app, tmp_path):
    """The app's local media folder, this test's own."""
    folder = tmp_path / "media"
    app.config["MEDIA_DIR"] = str(folder)
    return folder


@pytest.fixture
def shop(world, media_dir):  # noqa: F811  (the fixture imported above)
    """The two merchants' world with a media folder of its own."""
    return world
