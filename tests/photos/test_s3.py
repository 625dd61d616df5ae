"""Photos in an S3-compatible store when S3_BUCKET is set: against moto's standalone server (a real
HTTP S3 endpoint on 127.0.0.1), uploads land in the bucket with their type and cache headers, pages
and the API point at MEDIA_BASE_URL, and a deleted photo leaves the bucket."""
from __future__ import annotations

import io

import boto3
import pytest

from tests.photos.conftest import bearer, picture
from tests.photos.test_api import upload

BUCKET = "shop-media"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "eu-central-1"}


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(app, s3_endpoint):
    client = boto3.client("s3", endpoint_url=s3_endpoint, **KEYS)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": KEYS["region_name"]})
    app.config.update(S3_BUCKET=BUCKET, S3_ENDPOINT_URL=s3_endpoint, S3_REGION=KEYS["region_name"],
                      AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                      MEDIA_BASE_URL="https://cdn.example.net/media/")
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_a_photo_goes_to_the_bucket_and_is_served_from_the_cdn(world, bucket, alpha_token):
    client = world.test_client()
    response = upload(client, alpha_token, picture("JPEG", (1400, 1000), gps=True), alt_en="Rye bread")
    assert response.status_code == 201, response.get_json()
    image = response.get_json()
    stored = keys(bucket)
    assert len(stored) == 4 and all(k.startswith("products/") for k in stored)
    assert image["url"] == "https://cdn.example.net/media/" + next(k for k in stored if k.endswith(".jpg"))
    assert [r["url"].rsplit("-", 1)[1] for r in image["renditions"]] == ["320.webp", "640.webp", "1280.webp"]
    head = bucket.head_object(Bucket=BUCKET, Key=image["renditions"][0]["url"].removeprefix("https://cdn.example.net/media/"))
    assert head["ContentType"] == "image/webp" and "immutable" in head["CacheControl"]
    from PIL import Image
    original = bucket.get_object(Bucket=BUCKET, Key=image["url"].removeprefix("https://cdn.example.net/media/"))
    assert not Image.open(io.BytesIO(original["Body"].read())).getexif().get_ifd(0x8825)

    page = client.get("/en/products?q=Alpha")
    html = page.get_data(as_text=True)
    assert 'src="https://cdn.example.net/media/products/' in html and "1280w" in html
    assert "img-src 'self' data: https://cdn.example.net" in page.headers["Content-Security-Policy"]
    # /media/ serves the local folder only: nothing of the bucket's is reachable through it.
    assert client.get("/media/" + stored[0]).status_code == 404

    assert client.delete(f"/api/v1/merchant/products/A-BREAD-1/images/{image['id']}",
                         headers=bearer(alpha_token)).status_code == 204
    assert keys(bucket) == []


def test_a_refused_upload_leaves_nothing_in_the_bucket(world, bucket, alpha_token):
    response = upload(world.test_client(), alpha_token, b"<?php echo 1; ?>", "shell.php.jpg")
    assert response.status_code == 400 and keys(bucket) == []
