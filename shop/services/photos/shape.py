"""How a listing's photos are shown: the API's `images` shape, what a page's <img> needs
(src, srcset, width, height, alt), and the first photo's absolute address (Open Graph)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shop.domain.languages import LANGUAGES
from shop.models import Product, ProductImage
from shop.services import ports


def absolute(url: str) -> str:
    """A media address a client can fetch from anywhere: site paths get SHOP_BASE_URL in front."""
    return ports.settings().base_url + url if url.startswith("/") else url


def image_to_dict(image: ProductImage) -> dict[str, Any]:
    """One photo in the API's shape (CONTRACT.md); renditions are empty until the worker made them."""
    media = ports.media()
    alt = image.alt or {}
    return {
        "id": image.id,
        "url": absolute(media.url(image.key)),
        "width": image.width,
        "height": image.height,
        "alt": {lang: alt.get(lang) for lang in LANGUAGES},
        "renditions": [{"url": absolute(media.url(r["key"])), "width": r["width"]}
                       for r in sorted(image.renditions or [], key=lambda r: int(r["width"]))],
    }


def images_to_list(product: Product) -> list[dict[str, Any]]:
    return [image_to_dict(image) for image in product.images]


def first_image_url(product: Product) -> str | None:
    """The absolute address of the listing's first photo (its widest rendition when made), or None."""
    if not product.images:
        return None
    image = product.images[0]
    renditions = sorted(image.renditions or [], key=lambda r: int(r["width"]))
    key = renditions[-1]["key"] if renditions else image.key
    return absolute(ports.media().url(key))


@dataclass(frozen=True)
class Picture:
    """What an <img> of a photo needs. `srcset` is empty until the renditions exist."""

    id: int
    src: str
    srcset: str
    width: int
    height: int
    alt: str


def picture(image: ProductImage, lang: str, fallback_alt: str = "") -> Picture:
    """A photo for a page in `lang`: the widest rendition as src (the original until made), every
    rendition in srcset, the original's proportions for width and height (no layout shift)."""
    media = ports.media()
    renditions = sorted(image.renditions or [], key=lambda r: int(r["width"]))
    src = media.url(renditions[-1]["key"]) if renditions else media.url(image.key)
    srcset = ", ".join(f"{media.url(r['key'])} {int(r['width'])}w" for r in renditions)
    alt = image.alt or {}
    return Picture(id=image.id, src=src, srcset=srcset, width=image.width, height=image.height,
                   alt=alt.get(lang) or alt.get("en") or fallback_alt)


def pictures(product: Product, lang: str, fallback_alt: str = "") -> list[Picture]:
    return [picture(image, lang, fallback_alt) for image in product.images]
