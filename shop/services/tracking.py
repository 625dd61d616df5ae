"""Tracking after the parcel leaves the zone: tokens for each express line's operator, the carrier events
they (or staff, by hand) report for a waybill, and what follows: a parcel delivered, its order delivered
once every parcel is, the buyer mailed. Each report is one transaction, idempotent on (waybill, status,
moment)."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from shop.database import aware, write_transaction
from shop.domain import orders
from shop.domain.tracking import (
    CarrierEvent,
    CarrierStatus,
    InvalidEvent,
    parse_event,
    shipment_status_after,
    takes_events,
    tracking_number,
)
from shop.extensions import db
from shop.models import ExpressLine, OperatorToken, Order, Shipment, ShipmentEvent, User
from shop.services import clock, locking
from shop.services.audit import audit
from shop.services.ordering.closing import deliver

__all__ = [
    "TOKEN_PREFIX", "CarrierStatus", "EventView", "InvalidEvent", "LineNotFound", "NotShipped", "Operator",
    "OperatorTokenView", "Recorded", "ShipmentNotFound", "TokenNotFound", "TrackingError", "authenticate",
    "create_operator_token", "events_by_shipment", "operator_tokens", "record_event", "revoke_operator_token",
]

TOKEN_PREFIX = "kop_"  # tells an operator token from a merchant's (kbz_) at a glance
TOKEN_TOUCH_EVERY = dt.timedelta(minutes=1)
NAME_MAX = 80


class TrackingError(Exception):
    """A refusal; nothing was changed. `code` names it for the API."""

    code = "refused"


class LineNotFound(TrackingError):
    code = "unknown_line"


class TokenNotFound(TrackingError):
    code = "unknown_token"


class ShipmentNotFound(TrackingError):
    """No parcel has this waybill, or it travels on another operator's line (told apart to nobody)."""

    code = "unknown_shipment"


class NotShipped(TrackingError):
    """The parcel has not left the zone yet (or was cancelled): there is nothing for a carrier to report."""

    code = "not_shipped"

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogateescape")).hexdigest()


# ---- operator tokens --------------------------------------------------------------------------

@dataclass(frozen=True)
class OperatorTokenView:
    id: int
    line: str
    name: str
    created_at: dt.datetime
    created_by: str | None  # the admin's e-mail; None when made on the command line
    last_used_at: dt.datetime | None
    revoked: bool


@dataclass(frozen=True)
class Operator:
    """Who a valid token speaks for: one express line."""

    token_id: int
    line_id: int
    line: str


def _line_id(code: str) -> int:
    line_id = db.session.scalar(sa.select(ExpressLine.id).where(ExpressLine.code == code)) if len(code) <= 32 else None
    if line_id is None:
        raise LineNotFound(code)
    return line_id


def create_operator_token(line_code: str, name: str, user_id: int | None) -> tuple[OperatorTokenView, str]:
    """A new token for the operator of `line_code`: the row, and the secret, which is shown once and kept
    only as its hash."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    label = " ".join(name.split())[:NAME_MAX] or line_code
    with write_transaction():
        token = OperatorToken(line_id=_line_id(line_code), name=label, token_hash=token_hash(secret),
                              created_by=user_id, revoked=False)
        db.session.add(token)
        db.session.flush()
        audit(user_id, "operator_token.create", "express_line", line_code, {"token": token.id, "name": label})
        view = _view(token, line_code, None)
    return view, secret


def _view(token: OperatorToken, line_code: str, email: str | None) -> OperatorTokenView:
    return OperatorTokenView(id=token.id, line=line_code, name=token.name, created_at=aware(token.created_at),
                             created_by=email, last_used_at=aware(token.last_used_at), revoked=bool(token.revoked))


def operator_tokens(line_code: str) -> list[OperatorTokenView]:
    """The line's tokens, newest first."""
    line_id = _line_id(line_code)
    rows = db.session.execute(
        sa.select(OperatorToken, User.email).outerjoin(User, User.id == OperatorToken.created_by)
        .where(OperatorToken.line_id == line_id).order_by(OperatorToken.id.desc()))
    return [_view(token, line_code, email) for token, email in rows]


def revoke_operator_token(line_code: str, token_id: int, user_id: int | None) -> bool:
    """Stop one of the line's tokens working at once; True if it was live."""
    with write_transaction():
        token = db.session.scalar(sa.select(OperatorToken).where(
            OperatorToken.id == token_id, OperatorToken.line_id == _line_id(line_code)).with_for_update())
        if token is None:
            raise TokenNotFound(token_id)
        if token.revoked:
            return False
        token.revoked = True
        audit(user_id, "operator_token.revoke", "express_line", line_code, {"token": token.id, "name": token.name})
    return True


def authenticate(secret: str) -> tuple[Operator | None, str]:
    """The operator a bearer secret speaks for and 'ok', or (None, 'invalid' | 'revoked')."""
    if not secret or len(secret) > 200:
        return None, "invalid"
    row = db.session.execute(
        sa.select(OperatorToken.id, OperatorToken.revoked, OperatorToken.line_id, ExpressLine.code)
        .join(ExpressLine, ExpressLine.id == OperatorToken.line_id)
        .where(OperatorToken.token_hash == token_hash(secret))).first()
    if row is None:
        return None, "invalid"
    if row.revoked:
        return None, "revoked"
    return Operator(token_id=row.id, line_id=row.line_id, line=row.code), "ok"


# ---- carrier events ---------------------------------------------------------------------------

@dataclass(frozen=True)
class EventView:
    id: int
    shipment_id: int
    tracking_number: str
    status: str
    at: dt.datetime
    place: str
    note: str
    source: str  # operator | staff
    who: str | None  # the staff member's e-mail for an event added by hand

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "tracking_number": self.tracking_number, "status": self.status,
                "at": self.at.isoformat().replace("+00:00", "Z"), "place": self.place, "note": self.note,
                "source": self.source}


@dataclass(frozen=True)
class Recorded:
    event: EventView
    created: bool  # False: the same report was recorded before, and nothing changed now
    shipment_status: str
    order_status: str


def _event_view(row: ShipmentEvent, waybill: str, email: str | None = None) -> EventView:
    return EventView(id=row.id, shipment_id=row.shipment_id, tracking_number=waybill, status=row.status,
                     at=aware(row.at), place=row.place or "", note=row.note or "",
                     source="operator" if row.token_id is not None else "staff", who=email)


def _same(shipment_id: int, event: CarrierEvent) -> ShipmentEvent | None:
    return db.session.scalar(sa.select(ShipmentEvent).where(
        ShipmentEvent.shipment_id == shipment_id, ShipmentEvent.status == event.status.value,
        ShipmentEvent.at == event.at))


def record_event(number: str, body: Mapping[str, object], *, operator: Operator | None = None,
                 user_id: int | None = None, order_number: str | None = None,
                 now: dt.datetime | None = None) -> Recorded:
    """Record what the carrier reports for waybill `number` (`body`: status, at, place, note). An operator
    reports only on its own line's parcels; staff (`user_id`, no operator) on any. The same (waybill,
    status, moment) again answers the event recorded first. With `order_number`, the parcel must be that
    order's. A `delivered` report delivers the parcel, and
    the order once every parcel of it is. Raises ShipmentNotFound, InvalidEvent or NotShipped."""
    now = now or clock.utcnow()
    waybill = tracking_number(number) if len(number) <= 64 else None
    if waybill is None:
        raise ShipmentNotFound(number[:64])
    try:
        return _record(waybill, body, operator, user_id, order_number, now)
    except IntegrityError:
        # Another request recorded the same report between our check and our insert: it is that one.
        db.session.rollback()
        event = parse_event(body, now)
        shipment = db.session.scalar(sa.select(Shipment).where(Shipment.waybill == waybill))
        existing = _same(shipment.id, event) if shipment is not None else None
        if shipment is None or existing is None:
            raise
        return Recorded(_event_view(existing, waybill), False, shipment.status, shipment.order.status)


def _record(waybill: str, body: Mapping[str, object], operator: Operator | None, user_id: int | None,
            order_number: str | None, now: dt.datetime) -> Recorded:
    with write_transaction():
        found = db.session.execute(sa.select(Shipment.id, Shipment.order_id, Shipment.line_id)
                                   .where(Shipment.waybill == waybill)).first()
        if found is None or (operator is not None and found.line_id != operator.line_id):
            raise ShipmentNotFound(waybill)
        event = parse_event(body, now)
        order = locking.lock_orders(Order.id == found.order_id)[0]
        if order_number is not None and order.number != order_number:
            raise ShipmentNotFound(waybill)
        shipment = next(s for s in order.shipments if s.id == found.id)
        db.session.refresh(shipment)
        if operator is not None:
            db.session.execute(sa.update(OperatorToken).where(
                OperatorToken.id == operator.token_id,
                sa.or_(OperatorToken.last_used_at.is_(None), OperatorToken.last_used_at < now - TOKEN_TOUCH_EVERY))
                .values(last_used_at=now))
        existing = _same(shipment.id, event)
        if existing is not None:
            return Recorded(_event_view(existing, waybill), False, shipment.status, order.status)
        if not takes_events(shipment.status):
            raise NotShipped(shipment.status)
        row = ShipmentEvent(shipment_id=shipment.id, status=event.status.value, at=event.at, place=event.place,
                            note=event.note, token_id=operator.token_id if operator else None,
                            user_id=None if operator else user_id, created_at=now)
        db.session.add(row)
        db.session.flush()
        shipment.status = shipment_status_after(shipment.status, event.status)
        live = [s for s in order.shipments if s.status != "cancelled"]
        cod = order.payment_method == "cod"
        if (live and all(s.status == "delivered" for s in live)
                and orders.can(order.status, orders.OrderEvent.DELIVER, cash_on_delivery=cod)):
            deliver(order, None if operator else user_id, now, {"waybill": waybill, "source": "carrier"})
        email = db.session.scalar(sa.select(User.email).where(User.id == user_id)) if row.user_id else None
        return Recorded(_event_view(row, waybill, email), True, shipment.status, order.status)


def events_by_shipment(order_number: str) -> dict[int, list[EventView]]:
    """Every carrier event of the order's parcels, oldest first, by shipment id."""
    rows = db.session.execute(
        sa.select(ShipmentEvent, Shipment.waybill, User.email).join(Shipment, Shipment.id == ShipmentEvent.shipment_id)
        .join(Order, Order.id == Shipment.order_id).outerjoin(User, User.id == ShipmentEvent.user_id)
        .where(Order.number == order_number).order_by(ShipmentEvent.at, ShipmentEvent.id))
    found: dict[int, list[EventView]] = {}
    for row, waybill, email in rows:
        found.setdefault(row.shipment_id, []).append(_event_view(row, waybill or "", email))
    return found
