"""Fetching a feed over HTTP(S): a bounded read with a timeout, nothing else."""
from __future__ import annotations

import urllib.request

from shop.domain.exchange import MAX_FEED_BYTES


class FeedUnavailable(OSError):
    """The feed could not be fetched (network, HTTP status, size)."""


def fetch(url: str, timeout: float = 20) -> bytes:
    """The body of `url` (http or https only), at most MAX_FEED_BYTES."""
    if not url.lower().startswith(("http://", "https://")):
        raise FeedUnavailable(f"not an http(s) address: {url!r}")
    request = urllib.request.Request(url, headers={"User-Agent": "kashgar-shop rates"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  (scheme checked)
            body: bytes = response.read(MAX_FEED_BYTES + 1)
    except OSError as error:
        raise FeedUnavailable(str(error)) from error
    if len(body) > MAX_FEED_BYTES:
        raise FeedUnavailable("feed larger than allowed")
    return body
