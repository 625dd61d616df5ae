"""What Pillow does to a photo: judge an upload by its content (JPEG, PNG or WebP, at most 15 MB
and 50 megapixels), turn it upright, drop its EXIF (GPS included), and make WebP renditions."""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps

from shop.domain.messages import N_, Message

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 50_000_000
RENDITION_WIDTHS = (320, 640, 1280)
# Pillow's format name -> (media type, file extension) of the formats the shop takes.
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
WEBP_QUALITY = 80


class ImageRejected(ValueError):
    """An upload the shop does not take; `code` for the API, `message` for a person."""

    def __init__(self, code: str, message: Message) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        # Which of several uploads (1-based) it was, when several were sent together.
        self.index: int | None = None


@dataclass(frozen=True)
class CleanImage:
    """An upload as the shop keeps it: upright, without metadata, in its own format."""

    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def _too_big() -> ImageRejected:
    return ImageRejected("image_too_large", N_(
        "The picture is larger than %(mp)d megapixels: make it smaller and send it again.", mp=MAX_PIXELS // 1_000_000))


def _open(data: bytes) -> Image.Image:
    """The image in `data`, decoded, or ImageRejected (not a picture, a kind not taken, a bomb)."""
    if len(data) > MAX_BYTES:
        raise ImageRejected("file_too_large", N_("The file is larger than %(mb)d MB.", mb=MAX_BYTES // (1024 * 1024)))
    if not data:
        raise ImageRejected("empty_file", N_("The file is empty."))
    with warnings.catch_warnings():
        # Pillow warns (and past twice its limit refuses) on a huge picture: both are a bomb here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=tuple(FORMATS))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_big() from None
        except (OSError, SyntaxError, ValueError, TypeError):
            raise ImageRejected("unsupported_image", N_(
                "This is not a JPEG, PNG or WebP picture.")) from None
        width, height = image.size
        if width <= 0 or height <= 0 or width * height > MAX_PIXELS:
            raise _too_big()
        broken = ImageRejected("broken_image", N_(
            "The picture cannot be read: the file may be damaged or cut short."))
        if _cut_short(data, image.format or ""):
            raise broken
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_big() from None
        except (OSError, SyntaxError, ValueError, TypeError, EOFError):
            raise broken from None
    return image


def _cut_short(data: bytes, kind: str) -> bool:
    """Whether the file ends before the picture does. Pillow's own check cannot be trusted here:
    WeasyPrint, which the shop also loads, sets ImageFile.LOAD_TRUNCATED_IMAGES for the whole process."""
    if kind == "PNG":
        try:
            Image.open(io.BytesIO(data)).verify()  # every chunk's length and CRC, up to IEND
        except Exception:  # noqa: BLE001  any failure of the check is a broken file
            return True
        return False
    if kind == "JPEG":
        # The end-of-image marker must follow the last scan (0xFF is stuffed inside entropy-coded data).
        return data.rfind(b"\xff\xd9") < data.rfind(b"\xff\xda")
    return False


def clean(data: bytes) -> CleanImage:
    """The upload turned upright and saved again without EXIF, GPS or comments.

    Raises ImageRejected for anything but a readable JPEG, PNG or WebP within the limits."""
    image = _open(data)
    kind = image.format or ""
    content_type, extension = FORMATS[kind]
    icc = image.info.get("icc_profile")
    upright = ImageOps.exif_transpose(image) or image
    upright.info = {}  # what was read with the file (EXIF, XMP, comments) is not written back
    options: dict[str, object] = {"icc_profile": icc} if icc else {}
    if kind == "JPEG":
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        options |= {"quality": 90, "optimize": True}
    elif kind == "WEBP":
        options |= {"quality": 90}
    out = io.BytesIO()
    upright.save(out, format=kind, **options)
    return CleanImage(out.getvalue(), content_type, extension, upright.width, upright.height)


def rendition_widths(width: int) -> list[int]:
    """The widths to make for a picture `width` pixels wide: 320, 640 and 1280, never wider than it."""
    return sorted({min(w, width) for w in RENDITION_WIDTHS})


def renditions(data: bytes, widths: list[int]) -> list[tuple[int, bytes, int]]:
    """WebP copies of the (clean) picture in `data` at each width: [(width, bytes, height)].

    The picture is decoded once (a JPEG at the smallest scale the widest copy allows) and each
    copy is resized from it, widest first."""
    source = Image.open(io.BytesIO(data), formats=tuple(FORMATS))
    full_width, full_height = source.size
    widest = max(widths)
    if source.format == "JPEG":
        source.draft("RGB", (widest, max(1, round(full_height * widest / full_width))))
    image: Image.Image = source
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
    made = []
    for width in sorted(widths, reverse=True):
        height = max(1, round(full_height * width / full_width))
        copy = image if image.size == (width, height) else image.resize(
            (width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        out = io.BytesIO()
        copy.save(out, format="WEBP", quality=WEBP_QUALITY, method=4)
        made.append((width, out.getvalue(), height))
    return sorted(made)


def rendition(data: bytes, width: int) -> tuple[bytes, int]:
    """One WebP copy of the (clean) picture in `data`, `width` pixels wide: (bytes, height)."""
    (_width, made, height), = renditions(data, [width])
    return made, height
