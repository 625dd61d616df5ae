"""Rate limits hold across gunicorn workers: three workers let through what one would, no more.

Each request goes on its own connection, so gunicorn hands them to different workers; with a
per-process store (memory://) about three times the limit got through."""
from __future__ import annotations

import os
import secrets

import pytest
import requests

from tests.security import live

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> live.World:
    return live.build(tmp_path_factory.mktemp("limits") / "shop.db")


def _form_session(base: str, page: str) -> tuple[dict, str]:
    """The cookies and CSRF token of a form page (a signed cookie: every worker accepts it)."""
    response = requests.get(f"{base}{page}", timeout=10)
    assert response.status_code == 200
    return response.cookies.get_dict(), live.csrf_of(response.text)


def _post_many(base: str, page: str, times: int, data_for) -> list[int]:
    cookies, token = _form_session(base, page)
    statuses = []
    for n in range(times):
        response = requests.post(f"{base}{page}", data={"csrf_token": token, **data_for(n)}, cookies=cookies,
                                 headers={"Connection": "close"}, allow_redirects=False, timeout=20)
        statuses.append(response.status_code)
    return statuses


def _check_limits(server: live.Server, world: live.World) -> None:
    base = server.base
    # Sign-in: 10 a minute per address and per account.
    statuses = _post_many(base, "/en/login", 30, lambda n: {"email": "buyer@example.com", "password": f"wrong-{n}"})
    assert statuses.count(429) >= 20, statuses
    assert all(s in (400, 429) for s in statuses), statuses  # wrong passwords: refused, never signed in

    # Password reset: 3 an hour per e-mail.
    statuses = _post_many(base, "/en/reset-password", 9, lambda n: {"email": "someone@example.com"})
    assert len([s for s in statuses if s != 429]) <= 3, statuses

    # Registration: 20 an hour per address.
    statuses = _post_many(base, "/en/register", 30, lambda n: {
        "name": "x", "email": "not-an-email", "password": "short", "password2": "other"})
    assert len([s for s in statuses if s != 429]) <= 20, statuses
    assert statuses[-1] == 429

    # Merchant API: MERCHANT_API_RATE_LIMIT (10 a minute here) per token, over every endpoint.
    headers = {"Authorization": f"Bearer {world.token}", "Connection": "close"}
    statuses = [requests.get(f"{base}/api/v1/merchant/{'products' if n % 2 else 'orders'}", headers=headers,
                             timeout=20).status_code for n in range(30)]
    assert statuses.count(200) == 10, statuses
    assert statuses.count(429) == 20, statuses
    refused = requests.get(f"{base}/api/v1/merchant/products", headers=headers, timeout=20)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_requests"


def test_limits_hold_across_three_workers_without_redis(world, tmp_path):
    """Without REDIS_URL the workers share one counter file under instance/ (here: a temporary one)."""
    store = tmp_path / "ratelimits.db"
    env = {"RATELIMIT_STORAGE_URI": f"sqlitefile:///{store}", "MERCHANT_API_RATE_LIMIT": "10 per minute"}
    with live.gunicorn(world.url, tmp_path, env=env) as server:
        _check_limits(server, world)
        assert server.crashes() == []
    assert store.exists()


def test_the_default_store_is_shared_by_the_workers_of_the_machine():
    from config import Config
    if os.environ.get("REDIS_URL") or os.environ.get("RATELIMIT_STORAGE_URI"):
        pytest.skip("the environment chooses the limiter's store")
    assert Config.RATELIMIT_STORAGE_URI.startswith("sqlitefile:///")


def _redis_url() -> str:
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        import redis
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception as error:  # noqa: BLE001  any failure means: no Redis here
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but no Redis answers at {url}: {error}")
        pytest.skip(f"no Redis answers at {url} ({error}); set REQUIRE_REDIS=1 to make this a failure")
    return url


def test_limits_hold_across_three_workers_with_redis(world, tmp_path):
    import redis
    url = _redis_url()
    prefix = f"shop-test-{secrets.token_hex(4)}"
    env = {"REDIS_URL": url, "RATELIMIT_KEY_PREFIX": prefix, "MERCHANT_API_RATE_LIMIT": "10 per minute"}
    client = redis.Redis.from_url(url)
    try:
        with live.gunicorn(world.url, tmp_path, env=env) as server:
            _check_limits(server, world)
            assert server.crashes() == []
        assert list(client.scan_iter(f"LIMITS:{prefix}*")) or list(client.scan_iter(f"*{prefix}*"))
    finally:
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)
