"""The response cache stays within its bytes as well as its count (flat worker memory)."""
from shop.web.response_cache import PageCache


def test_the_cache_evicts_the_oldest_pages_to_stay_within_its_bytes():
    cache = PageCache(max_entries=100, max_bytes=10_000)
    for n in range(50):
        cache.put(("page", n), [b"x" * 1_000], 60)
    assert cache._bytes <= 10_000
    assert cache.get(("page", 49)) is not None and cache.get(("page", 0)) is None
    cache.put(("huge",), [b"x" * 5_000], 60)  # over a quarter of the budget: not kept
    assert cache.get(("huge",)) is None
    cache.put(("page", 49), [b"y" * 10], 60)  # replacing a page frees its old bytes
    assert cache.get(("page", 49)) == [b"y" * 10] and cache._bytes <= 10_000
    cache.clear()
    assert cache._bytes == 0 and cache.get(("page", 48)) is None
