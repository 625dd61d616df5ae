"""A buyer's address book: add, edit, delete, choose the default. Every use case works on the
buyer's own addresses only: another buyer's address id is AddressNotFound, like a missing one."""
from __future__ import annotations

import sqlalchemy as sa

from shop.database import write_transaction
from shop.extensions import db
from shop.models import Address
from shop.services import addresses
from shop.services.addresses import ADDRESS_FIELDS, MAX_SAVED


class AddressNotFound(Exception):
    """No such address in this buyer's book."""


class BookFull(Exception):
    """The book holds MAX_SAVED addresses already."""


def saved(user_id: int) -> list[Address]:
    """The book, the default first, then the most recently used."""
    return addresses.recent_addresses(user_id)


def get(user_id: int, address_id: int) -> Address:
    """One of the buyer's own addresses (raises AddressNotFound)."""
    found = db.session.scalar(sa.select(Address).where(Address.id == address_id, Address.user_id == user_id))
    if found is None:
        raise AddressNotFound(address_id)
    return found


def _fill(row: Address, values: dict[str, str], latin: str | None) -> None:
    for name in ADDRESS_FIELDS:
        setattr(row, name, values.get(name) or "")
    row.latin = latin or addresses.latin_block({f: values.get(f) or "" for f in ADDRESS_FIELDS})


def _make_default(user_id: int, row: Address) -> None:
    db.session.execute(sa.update(Address).where(Address.user_id == user_id, Address.id != row.id)
                       .values(is_default=False))
    row.is_default = True


def add(user_id: int, values: dict[str, str], *, latin: str | None = None, make_default: bool = False) -> Address:
    """Add a checked address (addresses.check_address) to the book; the first one is the default."""
    with write_transaction():
        held = db.session.scalar(sa.select(sa.func.count(Address.id)).where(Address.user_id == user_id)) or 0
        if held >= MAX_SAVED:
            raise BookFull(held)
        row = Address(user_id=user_id)
        _fill(row, values, latin)
        db.session.add(row)
        db.session.flush()
        if make_default or held == 0:
            _make_default(user_id, row)
    return row


def update(user_id: int, address_id: int, values: dict[str, str], *, latin: str | None = None,
           make_default: bool = False) -> Address:
    """Change one of the buyer's addresses (raises AddressNotFound)."""
    with write_transaction():
        row = get(user_id, address_id)
        _fill(row, values, latin)
        if make_default:
            _make_default(user_id, row)
    return row


def delete(user_id: int, address_id: int) -> None:
    """Delete one of the buyer's addresses; when it was the default, the one used last becomes it."""
    with write_transaction():
        row = get(user_id, address_id)
        was_default = row.is_default
        db.session.delete(row)
        db.session.flush()
        if was_default:
            following = addresses.last_address(user_id)
            if following is not None:
                following.is_default = True


def choose_default(user_id: int, address_id: int) -> None:
    """Make one of the buyer's addresses the one the checkout starts from (raises AddressNotFound)."""
    with write_transaction():
        _make_default(user_id, get(user_id, address_id))
