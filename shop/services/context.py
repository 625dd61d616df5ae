"""Who is buying, for the use cases: made once per request at the edge, never read from it.

The web layer builds a BuyerContext from the URL, cookies, session and signed-in user and
passes it in; use cases read only what it carries. Its `memo` keeps what one request reads
more than once (the latest rates, the active lines, the category tree)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from shop.domain.languages import known_language
from shop.domain.places import Place, default_destination, destination_for

T = TypeVar("T")
GuestLines = tuple[tuple[str, int], ...]  # (sku, quantity) in the order they were added


class Memo:
    """Values read at most once for one buyer's request (or one job), by name."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}

    def get(self, key: str, load: Callable[[], T]) -> T:
        """The value kept under `key`, loaded the first time it is asked for."""
        if key not in self._values:
            self._values[key] = load()
        value: T = self._values[key]  # kept by load() under this key
        return value

    def forget(self, key: str) -> None:
        self._values.pop(key, None)


@dataclass(frozen=True)
class BuyerContext:
    """The buyer as the shop's use cases see them."""

    lang: str = "en"
    currency: str = "CNY"  # one the shop has a rate for (the web layer checks the buyer's choice)
    destination: Place | None = None  # None: the default for the language
    user_id: int | None = None  # signed in; their cart is in the database
    guest_lines: GuestLines = ()  # a guest's cart, kept by the web layer (the session)
    accept_languages: tuple[str, ...] = ()  # the browser's languages, best first (Accept-Language)
    memo: Memo = field(default_factory=Memo, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lang", known_language(self.lang))
        if self.destination is None:
            object.__setattr__(self, "destination", destination_for(self.lang, self.accept_languages))

    @property
    def destination_known(self) -> bool:
        """Whether the buyer chose a destination or their languages tell one; if not, pages ask."""
        return self.destination is not None

    @property
    def place(self) -> Place:
        """Where the buyer has goods delivered: their choice, else what their languages tell,
        else (for quoting only: pages ask first) the language's default."""
        return self.destination or default_destination(self.lang)

    @property
    def signed_in(self) -> bool:
        return self.user_id is not None
