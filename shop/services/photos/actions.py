"""A merchant's photos of their own listings: add (checked and cleaned), describe and reorder,
delete; and the renditions the worker makes. Each change is one transaction with an audit row;
files go to the media store before the rows that name them, and leave it after they are gone."""
from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from shop.database import write_transaction
from shop.domain.languages import LANGUAGES
from shop.domain.messages import N_, Message
from shop.extensions import db
from shop.models import Product, ProductImage
from shop.services import locking, ports
from shop.services.audit import audit
from shop.services.photos import imaging
from shop.services.photos.imaging import CleanImage, ImageRejected

log = logging.getLogger(__name__)

MAX_IMAGES = 12
MAX_ALT = 250


class ListingNotFound(LookupError):
    """No listing of this merchant has the SKU."""


class ImageNotFound(LookupError):
    """The listing has no photo with this id."""


@dataclass(frozen=True)
class StoredFile:
    """A cleaned upload already in the media store, not yet named by any row."""

    key: str
    image: CleanImage


def clean_alts(raw: Mapping[str, object]) -> dict[str, str]:
    """Alt texts per language, trimmed; empty ones left out. Raises ImageRejected when one is too
    long, not text, or carries control characters."""
    alts: dict[str, str] = {}
    for lang in LANGUAGES:
        value = raw.get(lang)
        if value is None:
            continue
        if not isinstance(value, str) or any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise ImageRejected("invalid_alt", N_("Describe the picture in plain text."))
        text = value.strip()
        if len(text) > MAX_ALT:
            raise ImageRejected("invalid_alt", N_(
                "Describe the picture in at most %(max)d characters.", max=MAX_ALT))
        if text:
            alts[lang] = text
    return alts


def _new_key(product_id: int, extension: str) -> str:
    return f"products/{product_id}/{secrets.token_hex(12)}.{extension}"


def store(product_id: int, data: bytes) -> StoredFile:
    """Check and clean an upload and put it in the media store under a new key (no row yet)."""
    image = imaging.clean(data)
    key = _new_key(product_id, image.extension)
    ports.media().put(key, image.data, image.content_type)
    return StoredFile(key, image)


def forget(keys: Sequence[str]) -> None:
    """Remove files no row names any more; a store that fails is logged, not raised."""
    media = ports.media()
    for key in keys:
        try:
            media.delete(key)
        except ports.MediaError:
            log.warning("could not delete media file %s", key, exc_info=True)


def _own_product_id(merchant_id: int, sku: str) -> int:
    found = db.session.scalar(sa.select(Product.id).where(Product.sku == sku, Product.merchant_id == merchant_id))
    if found is None:
        raise ListingNotFound(sku)
    return found


def _lock_own(merchant_id: int, sku: str) -> Product:
    product = next(iter(locking.lock_products(Product.sku == sku, Product.merchant_id == merchant_id)), None)
    if product is None:
        raise ListingNotFound(sku)
    return product


def _images_of(product_id: int) -> list[ProductImage]:
    return list(db.session.scalars(sa.select(ProductImage).where(ProductImage.product_id == product_id)
                                   .order_by(ProductImage.position, ProductImage.id)))


def too_many(already: int, adding: int) -> ImageRejected | None:
    if already + adding <= MAX_IMAGES:
        return None
    return ImageRejected("too_many_images", N_(
        "A listing holds at most %(max)d photos; it has %(num)d.", max=MAX_IMAGES, num=already))


def attach(product: Product, files: Sequence[tuple[StoredFile, dict[str, str]]], user_id: int | None,
           via: str) -> list[ProductImage]:
    """Rows for files already stored, after the product's photos (inside the caller's transaction)."""
    existing = _images_of(product.id)
    refused = too_many(len(existing), len(files))
    if refused is not None:
        raise refused
    position = max((i.position for i in existing), default=-1) + 1
    made = []
    for offset, (stored, alts) in enumerate(files):
        image = stored.image
        row = ProductImage(product_id=product.id, position=position + offset, key=stored.key,
                           content_type=image.content_type, width=image.width, height=image.height,
                           byte_size=len(image.data), alt=alts, renditions=[])
        db.session.add(row)
        made.append(row)
    db.session.flush()
    audit(user_id, "listing.images_add", "product", product.sku,
          {"via": via, "images": [{"id": row.id, "width": row.width, "height": row.height} for row in made]})
    return made


def add_images(merchant_id: int, sku: str, uploads: Sequence[tuple[bytes, Mapping[str, object]]],
               user_id: int | None, via: str = "portal") -> list[ProductImage]:
    """Photos for one of the merchant's listings, all or none: each upload (bytes, alt texts) is
    checked and cleaned, stored, then named by a row. Raises ImageRejected (with the 1-based
    `index` of the upload set on it) or ListingNotFound; the renditions are the worker's job."""
    product_id = _own_product_id(merchant_id, sku)
    refused = too_many(len(_images_of(product_id)), len(uploads))
    if refused is not None:
        raise refused
    stored: list[tuple[StoredFile, dict[str, str]]] = []
    try:
        for index, (data, raw_alts) in enumerate(uploads, start=1):
            try:
                alts = clean_alts(raw_alts)
                stored.append((store(product_id, data), alts))
            except ImageRejected as error:
                error.index = index
                raise
        with write_transaction():
            product = _lock_own(merchant_id, sku)
            made = attach(product, stored, user_id, via)
    except BaseException:
        forget([s.key for s, _alts in stored])
        raise
    return made


def delete_image(merchant_id: int, sku: str, image_id: int, user_id: int | None, via: str = "portal") -> None:
    """Take a photo off one of the merchant's listings; its files leave the store after the commit."""
    with write_transaction():
        product = _lock_own(merchant_id, sku)
        images = _images_of(product.id)
        image = next((i for i in images if i.id == image_id), None)
        if image is None:
            raise ImageNotFound(image_id)
        keys = [image.key, *(r["key"] for r in image.renditions or [])]
        db.session.delete(image)
        for position, kept in enumerate(i for i in images if i.id != image_id):
            kept.position = position
        audit(user_id, "listing.image_delete", "product", product.sku, {"via": via, "image": image_id})
    forget(keys)


def arrange_images(merchant_id: int, sku: str, order: Sequence[int], alts: Mapping[int, Mapping[str, object]],
                   user_id: int | None) -> bool:
    """Put the listing's photos in `order` (their ids, first shown first; ids left out keep their
    turn after those named) and set their alt texts. Answers whether anything changed."""
    cleaned = {image_id: clean_alts(raw) for image_id, raw in alts.items()}
    with write_transaction():
        product = _lock_own(merchant_id, sku)
        images = _images_of(product.id)
        by_id = {i.id: i for i in images}
        if any(image_id not in by_id for image_id in (*order, *cleaned)):
            raise ImageNotFound([i for i in (*order, *cleaned) if i not in by_id][0])
        named = list(dict.fromkeys(order))
        arranged = [by_id[i] for i in named] + [i for i in images if i.id not in named]
        changed = False
        for position, image in enumerate(arranged):
            if image.position != position:
                image.position, changed = position, True
            if image.id in cleaned and cleaned[image.id] != (image.alt or {}):
                image.alt, changed = cleaned[image.id], True
        if changed:
            audit(user_id, "listing.images_arrange", "product", product.sku,
                  {"order": [i.id for i in arranged]})
    return changed


def stored_image(image_id: int) -> ProductImage | None:
    """A photo as stored now (its renditions included, when the worker has made them)."""
    return db.session.get(ProductImage, image_id, populate_existing=True)


def make_renditions(image_id: int) -> list[int]:
    """The WebP copies of a photo at 320, 640 and 1280 px (never wider than it): made once, kept
    in the store, listed on its row. Safe to run twice; a photo deleted meanwhile is skipped."""
    image = db.session.get(ProductImage, image_id)
    if image is None:
        return []
    widths = imaging.rendition_widths(image.width)
    if sorted(r["width"] for r in image.renditions or []) == widths:
        return widths
    media = ports.media()
    original = media.get(image.key)
    stem = image.key.rsplit(".", 1)[0]
    made: list[dict[str, int | str]] = []
    try:
        for width, data, _height in imaging.renditions(original, widths):
            key = f"{stem}-{width}.webp"
            media.put(key, data, "image/webp")
            made.append({"width": width, "key": key})
        with write_transaction():
            row = db.session.get(ProductImage, image_id, populate_existing=True)
            if row is None:
                raise ImageNotFound(image_id)
            row.renditions = made
    except ImageNotFound:
        forget([str(r["key"]) for r in made])
        return []
    return widths


def pending_renditions(limit: int = 100) -> list[int]:
    """Photos still without their renditions (a worker that was down, a store that failed)."""
    rows = db.session.execute(sa.select(ProductImage.id, ProductImage.renditions).order_by(ProductImage.id))
    return [image_id for image_id, renditions in rows if not renditions][:limit]


def rejection_text(error: ImageRejected) -> Message:
    """The refusal as one sentence, naming the upload when several were sent."""
    if error.index is None:
        return error.message
    return N_("Photo %(num)d: %(message)s", num=error.index, message=error.message)
