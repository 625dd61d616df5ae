"""The shop's clock: the present moment in UTC, the one the use cases stamp and compare deadlines with."""
from __future__ import annotations

import datetime as dt

from shop import models


def utcnow() -> dt.datetime:
    """Now, with its zone (UTC); the same clock as the records' timestamps (shop.models.utcnow)."""
    return models.utcnow()
