"""Photo renditions: time per megapixel to make the three WebP copies (320, 640, 1280 px) of a
photo, beside a plain Pillow resize-and-save of the same picture in the same run (the reference),
and the upload check (open, turn upright, strip EXIF, save again) per megapixel."""
from __future__ import annotations

import io
import statistics
import time

from PIL import Image

from bench.harness import report

SIZES = ((2000, 1500), (4000, 3000))  # 3 and 12 megapixels
ROUNDS = 3


def photo(size: tuple[int, int]) -> bytes:
    """A camera-like JPEG: a gradient with noise, so the encoder has real work."""
    width, height = size
    gradient = Image.linear_gradient("L").resize(size)
    noise = Image.effect_noise(size, 40)
    image = Image.merge("RGB", (gradient, noise, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6
    image.save(out, format="JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def plain_pillow(data: bytes) -> None:
    """The reference: what a naive implementation does for each width (decode, LANCZOS, WebP)."""
    for width in (320, 640, 1280):
        image = Image.open(io.BytesIO(data))
        height = round(image.height * width / image.width)
        out = io.BytesIO()
        image.convert("RGB").resize((width, height), Image.Resampling.LANCZOS).save(out, format="WEBP", quality=80)


def timed(job, data: bytes) -> float:
    runs = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        job(data)
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main() -> None:
    from shop.services.photos import imaging
    print("photos")

    def shop_renditions(data: bytes) -> None:
        imaging.renditions(data, imaging.rendition_widths(Image.open(io.BytesIO(data)).width))

    for size in SIZES:
        megapixels = size[0] * size[1] / 1e6
        original = photo(size)
        cleaned = imaging.clean(original).data
        ours = timed(shop_renditions, cleaned)
        reference = timed(plain_pillow, cleaned)
        check = timed(imaging.clean, original)
        report(f"renditions 320/640/1280 of a {megapixels:.0f} MP JPEG, per MP", f"{ours / megapixels * 1000:.1f} ms",
               f"plain Pillow resize {reference / megapixels * 1000:.1f} ms/MP, ratio {ours / reference:.2f}")
        report(f"upload check + clean of a {megapixels:.0f} MP JPEG, per MP", f"{check / megapixels * 1000:.1f} ms",
               f"open, upright, strip EXIF, save again; ratio to renditions {check / ours:.2f}")


if __name__ == "__main__":
    main()
