"""/media/...: photos and their renditions from the local media folder, cached for a year (a key
is never reused), and the one place the web hands new photos to the worker for renditions."""
from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import Blueprint, abort, current_app, request, send_file

from shop.services import ports
from shop.services.photos import MAX_BYTES

log = logging.getLogger(__name__)
bp = Blueprint("media", __name__)

TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
YEAR = 365 * 24 * 3600


@bp.get("/media/<path:key>")
def media_file(key: str):
    """A stored photo; 404 for a key that is not one (`..`, odd characters) or not there."""
    from shop.adapters.media import LocalMedia, valid_key
    store = ports.media()
    extension = key.rsplit(".", 1)[-1].lower()
    if not isinstance(store, LocalMedia) or not valid_key(key) or extension not in TYPES:
        abort(404)
    try:
        path = store.path(key)
    except ports.MediaError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=TYPES[extension], max_age=YEAR, conditional=True, etag=True)
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response


# Endpoints that take photos, and the largest body each accepts (MAX_CONTENT_LENGTH is smaller).
# The portal takes up to PORTAL_FILES photos in one form.
PORTAL_FILES = 4
UPLOAD_LIMITS = {
    "api.merchant_product_images_post": MAX_BYTES + 256 * 1024,
    "merchant.listing_images_upload": PORTAL_FILES * MAX_BYTES + 256 * 1024,
}


def allow_photo_uploads() -> None:
    """before_request, ahead of the input guard that reads forms: a larger body for photo uploads."""
    limit = UPLOAD_LIMITS.get(request.endpoint or "")
    if limit is not None:
        request.max_content_length = limit


def queue_renditions(image_ids: Iterable[int]) -> None:
    """Ask the worker for each photo's renditions: made here and now when huey.immediate is on or
    the config says HUEY_IMMEDIATE (the tests), else queued. A queue that cannot be reached is
    logged: the worker's sweep makes what is missing later."""
    from shop.worker import huey, make_renditions
    inline = huey.immediate or current_app.config.get("HUEY_IMMEDIATE")
    for image_id in image_ids:
        if inline:
            make_renditions.call_local(image_id)
            continue
        try:
            make_renditions(image_id)
        except Exception:  # noqa: BLE001  the photo is saved; its renditions can come later
            log.exception("could not queue the renditions of photo %s", image_id)
