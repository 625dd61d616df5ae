"""Media stores for product photos: a folder on this machine (served at /media/) or any
S3-compatible bucket through boto3. Both keep files by key and say where a browser fetches them."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

from shop.services.ports import MediaError

# Keys the shop makes: folders and file names of letters, digits, dots, dashes and underscores.
# Anything else (`..`, a leading slash, a backslash, NUL) is refused before it meets a path.
_KEY = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}(/[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}){0,5}")


def valid_key(key: str) -> bool:
    return bool(_KEY.fullmatch(key)) and ".." not in key


def _checked(key: str) -> str:
    if not valid_key(key):
        raise MediaError(f"not a media key: {key[:80]!r}")
    return key


class LocalMedia:
    """Files under `root` (instance/media/), at `base_url` + key (`/media/` by default)."""

    def __init__(self, root: Path, base_url: str = "/media/") -> None:
        self.root = Path(root)
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"

    def path(self, key: str) -> Path:
        """The file of `key` inside the root (a key that would leave it is refused)."""
        path = (self.root / _checked(key)).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise MediaError(f"key leaves the media folder: {key[:80]!r}")
        return path

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole, then renamed: a reader never sees half a photo.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            raise MediaError(f"no such media file: {key}") from None

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def url(self, key: str) -> str:
        return self.base_url + key


class S3Media:
    """Objects in an S3-compatible bucket; browsers fetch them at `base_url` + key (a CDN, or the
    bucket's own address when no MEDIA_BASE_URL is set)."""

    # Keys are never reused (each upload gets a fresh name), so a year's caching is safe.
    CACHE_CONTROL = "public, max-age=31536000, immutable"

    def __init__(self, bucket: str, *, endpoint_url: str | None = None, region: str | None = None,
                 access_key: str | None = None, secret_key: str | None = None, base_url: str | None = None,
                 client: Any = None) -> None:
        import boto3
        from botocore.config import Config as BotoConfig
        self.bucket = bucket
        self.client = client or boto3.client(
            "s3", endpoint_url=endpoint_url or None, region_name=region or None,
            aws_access_key_id=access_key or None, aws_secret_access_key=secret_key or None,
            config=BotoConfig(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3}))
        if base_url:
            self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        elif endpoint_url:
            self.base_url = f"{endpoint_url.rstrip('/')}/{bucket}/"
        else:
            host = f"s3.{region}.amazonaws.com" if region else "s3.amazonaws.com"
            self.base_url = f"https://{bucket}.{host}/"

    def _call(self, name: str, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError
        try:
            return getattr(self.client, name)(Bucket=self.bucket, **kwargs)
        except (BotoCoreError, ClientError) as error:
            raise MediaError(f"S3 {name} failed: {error}") from error

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self._call("put_object", Key=_checked(key), Body=data, ContentType=content_type,
                   CacheControl=self.CACHE_CONTROL)

    def get(self, key: str) -> bytes:
        body = self._call("get_object", Key=_checked(key))["Body"]
        try:
            return bytes(body.read())
        finally:
            body.close()

    def delete(self, key: str) -> None:
        self._call("delete_object", Key=_checked(key))

    def url(self, key: str) -> str:
        return self.base_url + key
