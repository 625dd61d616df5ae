"""Product photos: checked and cleaned uploads, their order and alt texts, WebP renditions made by
the worker, bulk import from a folder, and how they are shown (API, pages, Open Graph)."""
from __future__ import annotations

from shop.services.photos.actions import (
    MAX_ALT,
    MAX_IMAGES,
    ImageNotFound,
    ListingNotFound,
    add_images,
    arrange_images,
    delete_image,
    make_renditions,
    pending_renditions,
    rejection_text,
    stored_image,
)
from shop.services.photos.bulk import PhotoImportError, PhotoImportResult, import_images
from shop.services.photos.imaging import MAX_BYTES, MAX_PIXELS, RENDITION_WIDTHS, ImageRejected
from shop.services.photos.shape import (
    Picture,
    first_image_url,
    image_to_dict,
    images_to_list,
    picture,
    pictures,
)

__all__ = [
    "MAX_ALT", "MAX_BYTES", "MAX_IMAGES", "MAX_PIXELS", "RENDITION_WIDTHS", "ImageNotFound", "ImageRejected",
    "ListingNotFound", "PhotoImportError", "PhotoImportResult", "Picture", "add_images", "arrange_images",
    "delete_image", "first_image_url", "image_to_dict", "images_to_list", "import_images", "make_renditions",
    "pending_renditions", "picture", "pictures", "rejection_text", "stored_image",
]
