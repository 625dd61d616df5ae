"""Returns: a buyer asks to send goods back within RETURN_DAYS of delivery (lines, units, a reason); staff
approve or refuse with a message; on receipt at the zone staff record each line's condition. Saleable
units go back into the lot they left through a `return` row in the stock ledger; damaged ones go into a
quarantine lot (recorded, never sold); the refund follows through the refund rules. A return keeps the
customs entries of its lots, so a cross-border import return stays tied to its declaration. Each step is
one transaction, safe to send twice, and on the order's timeline; the buyer is mailed at each answer."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from shop.database import aware, write_transaction
from shop.domain import orders
from shop.domain.refunds import MAX_REASON, RETURN_CONDITIONS, Line, RefundRefused, return_window_open, units_left
from shop.extensions import db
from shop.models import AuditLog, Lot, Order, Refund, ReturnLine, ReturnRequest, StockMove, User, utcnow
from shop.services import locking, outbox, ports, refunds
from shop.services.ordering import lock_order
from shop.services.ordering.errors import OrderNotFound

__all__ = [
    "DELIVERY_ACTIONS", "QUARANTINE_BIN", "ReturnView", "decide_return", "delivered_at", "may_return",
    "receive_return", "request_return", "returnable", "returns_of",
]

# Timeline actions that say an order reached its buyer (staff's record; carrier events may add theirs).
DELIVERY_ACTIONS = ("order.deliver", "order.delivered")
RETURNABLE_STATUSES = (orders.OrderStatus.DELIVERED.value, orders.OrderStatus.PARTIALLY_REFUNDED.value)
OPEN_STATUSES = ("requested", "approved", "received")
QUARANTINE_BIN = "QUARANTINE"
MAX_MESSAGE = 1000


@dataclass(frozen=True)
class ReturnLineView:
    id: int
    order_line_id: int
    sku: str
    name: str
    quantity: int
    condition: str | None


@dataclass(frozen=True)
class ReturnView:
    id: int
    status: str
    reason: str
    staff_message: str
    customs_reference: str
    lines: list[ReturnLineView]
    asked_at: dt.datetime
    decided_at: dt.datetime | None
    received_at: dt.datetime | None


@dataclass(frozen=True)
class Returnable:
    """What the buyer's return form offers: units per line still returnable, and until when."""

    open: bool
    until: dt.datetime | None
    lines: list[tuple[int, str, str, int]]  # line id, sku, name, units returnable


def _view(row: ReturnRequest) -> ReturnView:
    return ReturnView(
        id=row.id, status=row.status, reason=row.reason, staff_message=row.staff_message,
        customs_reference=row.customs_reference,
        lines=[ReturnLineView(id=line.id, order_line_id=line.order_line_id, sku=line.order_line.sku,
                              name=line.order_line.name, quantity=line.quantity, condition=line.condition)
               for line in row.lines],
        asked_at=aware(row.created_at), decided_at=aware(row.decided_at), received_at=aware(row.received_at))


def _order(number: str) -> Order:
    order = db.session.scalar(sa.select(Order).where(Order.number == number)) if len(number) <= 24 else None
    if order is None:
        raise OrderNotFound(number)
    return order


def _rows(order_id: int) -> list[ReturnRequest]:
    return list(db.session.scalars(sa.select(ReturnRequest).where(ReturnRequest.order_id == order_id)
                                   .order_by(ReturnRequest.id)))


def returns_of(number: str) -> list[ReturnView]:
    """The order's returns, oldest first."""
    return [_view(row) for row in _rows(_order(number).id)]


def delivered_at(order: Order) -> dt.datetime | None:
    """When the order reached its buyer: the latest delivery on its timeline; for an order marked
    delivered without one, the end of the latest promised delivery day."""
    if order.status not in RETURNABLE_STATUSES + (orders.OrderStatus.RETURNED.value,):
        return None
    recorded = db.session.scalar(sa.select(sa.func.max(AuditLog.created_at)).where(
        AuditLog.entity == "order", AuditLog.entity_id == order.number, AuditLog.action.in_(DELIVERY_ACTIONS)))
    if recorded is not None:
        return aware(recorded)
    promised = [s.delivery_latest for s in order.shipments if s.status != "cancelled"]
    if not promised:
        return None
    return dt.datetime.combine(max(promised), dt.time(23, 59, 59), tzinfo=dt.UTC)


def _asked(order_id: int) -> dict[int, int]:
    """Units already asked back per order line (requests not refused)."""
    rows = db.session.execute(
        sa.select(ReturnLine.order_line_id, sa.func.sum(ReturnLine.quantity))
        .join(ReturnRequest, ReturnLine.return_id == ReturnRequest.id)
        .where(ReturnRequest.order_id == order_id, ReturnRequest.status.in_(OPEN_STATUSES))
        .group_by(ReturnLine.order_line_id)).all()
    return {int(line_id): int(total or 0) for line_id, total in rows}


def _rule_lines(order: Order) -> list[Line]:
    return [Line(id=line.id, sku=line.sku, quantity=line.quantity, unit_price_cny=line.unit_price_cny)
            for line in sorted(order.lines, key=lambda row: row.id)]


def returnable(order: Order, now: dt.datetime | None = None) -> Returnable:
    """What the buyer may still send back, and whether the window is open now."""
    now = now or utcnow()
    when = delivered_at(order)
    days = ports.settings().return_days
    until = when + dt.timedelta(days=days) if when else None
    left = units_left(_rule_lines(order), _asked(order.id))
    lines = [(line.id, line.sku, line.name, left[line.id]) for line in sorted(order.lines, key=lambda r: r.id)]
    is_open = (order.status in RETURNABLE_STATUSES and return_window_open(when, now, days)
               and any(n > 0 for *_, n in lines))
    return Returnable(open=is_open, until=until, lines=lines)


def may_return(order: Order, user: User | None, now: dt.datetime | None = None) -> bool:
    return user is not None and order.user_id == user.id and returnable(order, now).open


def request_return(number: str, user: User, lines: dict[int, int], reason: str, request_key: str | None = None,
                   now: dt.datetime | None = None) -> ReturnView:
    """The buyer asks to send units back. Only the order's own buyer (others: OrderNotFound), within the
    window, never more units than bought (less those asked before); the same form twice makes one request."""
    now = now or utcnow()
    key = refunds.clean_key(request_key)
    reason = refunds.clean_text(reason, MAX_REASON, "reason", required=True)
    try:
        with write_transaction():
            order = lock_order(number)
            if order.user_id is None or order.user_id != user.id:
                raise OrderNotFound(number)
            if key is not None:
                existing = db.session.scalar(sa.select(ReturnRequest).where(ReturnRequest.request_key == key,
                                                                            ReturnRequest.order_id == order.id))
                if existing is not None:
                    return _view(existing)
            if order.status not in RETURNABLE_STATUSES:
                raise RefundRefused("not_delivered")
            if not return_window_open(delivered_at(order), now, ports.settings().return_days):
                raise RefundRefused("window_closed", days=ports.settings().return_days)
            by_id = {line.id: line for line in order.lines}
            left = units_left(_rule_lines(order), _asked(order.id))
            chosen = {}
            for line_id, quantity in lines.items():
                if line_id not in by_id:
                    raise RefundRefused("unknown_line")
                if quantity <= 0:
                    continue
                if quantity > left[line_id]:
                    raise RefundRefused("too_many_units", sku=by_id[line_id].sku, most=left[line_id])
                chosen[line_id] = quantity
            if not chosen:
                raise RefundRefused("nothing_chosen")
            row = ReturnRequest(order_id=order.id, user_id=user.id, status="requested", reason=reason,
                                request_key=key, customs_reference=_customs_reference(order, chosen))
            row.lines = [ReturnLine(order_line_id=i, quantity=n) for i, n in sorted(chosen.items())]
            db.session.add(row)
            db.session.flush()
            db.session.add(AuditLog(user_id=user.id, action="return.request", entity="order",
                                    entity_id=order.number,
                                    data={"return": row.id, "units": sum(chosen.values()), "reason": reason[:200]}))
            view = _view(row)
    except IntegrityError:
        db.session.rollback()  # the same form sent twice at once: the other one made it
        existing = db.session.scalar(sa.select(ReturnRequest).where(ReturnRequest.request_key == key))
        if existing is None:
            raise
        return _view(existing)
    return view


def _customs_reference(order: Order, chosen: dict[int, int]) -> str:
    """The customs entries of the lots the chosen lines came from."""
    entries = sorted({a.lot.customs_entry for line in order.lines if line.id in chosen for a in line.allocations})
    return ", ".join(entries)[:200]


def _locked_return(order: Order, return_id: int) -> ReturnRequest:
    row = db.session.get(ReturnRequest, return_id) if 0 < return_id < refunds.MAX_ID else None
    if row is None or row.order_id != order.id:
        raise RefundRefused("unknown_return")
    return row


def decide_return(number: str, return_id: int, user: User, approve: bool, message: str,
                  now: dt.datetime | None = None) -> ReturnView:
    """Staff approve or refuse a requested return, with a message to the buyer (required to refuse).
    Deciding the same way again changes nothing; changing a decision is refused."""
    now = now or utcnow()
    message = refunds.clean_text(message, MAX_MESSAGE, "message", required=not approve)
    status = "approved" if approve else "refused"
    with write_transaction():
        order = lock_order(number)
        row = _locked_return(order, return_id)
        if row.status == status:
            return _view(row)
        if row.status != "requested":
            raise RefundRefused("already_decided", status=row.status)
        row.status, row.staff_message, row.decided_by, row.decided_at = status, message, user.id, now
        db.session.add(AuditLog(user_id=user.id, action=f"return.{'approve' if approve else 'refuse'}",
                                entity="order", entity_id=order.number, data={"return": row.id}))
        outbox.enqueue(order.email, "return_approved" if approve else "return_refused", order.lang,
                       order=outbox.order_params(order, order.lang), message=message,
                       lines=[{"name": line.order_line.name, "quantity": line.quantity} for line in row.lines],
                       link=outbox.order_link(order))
        return _view(row)


def _quarantine_lot(lot: Lot) -> Lot:
    """The quarantine lot beside `lot` (same product and customs entry, never allocated), made when first needed."""
    number = f"Q{lot.id}-{lot.lot_number}"[:40]
    found = db.session.scalar(sa.select(Lot).where(Lot.lot_number == number))
    if found is not None:
        return found
    quarantine = Lot(product_id=lot.product_id, lot_number=number, customs_entry=lot.customs_entry, on_hand=0,
                     reserved=0, expiry=lot.expiry, bin=QUARANTINE_BIN, customs_status="quarantined")
    db.session.add(quarantine)
    db.session.flush()
    return quarantine


def receive_return(number: str, return_id: int, user: User, conditions: dict[int, str], *, method: str = "",
                   reference: str = "", now: dt.datetime | None = None) -> ReturnView:
    """Staff record what arrived, line by line (saleable or damaged): stock back through the ledger, the
    refund of the units received decided in the same transaction (and sent to the card after it).
    Receiving again changes nothing."""
    now = now or utcnow()
    refund_ids: list[int] = []
    with write_transaction():
        order = lock_order(number)
        row = _locked_return(order, return_id)
        if row.status == "received":
            return _view(row)
        if row.status != "approved":
            raise RefundRefused("not_approved", status=row.status)
        for line in row.lines:
            if conditions.get(line.id) not in RETURN_CONDITIONS:
                raise RefundRefused("condition_missing", sku=line.order_line.sku)
        allocations = [a for line in row.lines for a in line.order_line.allocations]
        lots = {lot.id: lot for lot in locking.lock_lots(Lot.id.in_({a.lot_id for a in allocations}))}
        returned = _returned_by_lot(order.id)
        for line in row.lines:
            line.condition = conditions[line.id]
            _put_back(order, row, line, lots, returned, user.id)
        row.status, row.received_by, row.received_at = "received", user.id, now
        db.session.add(AuditLog(user_id=user.id, action="return.receive", entity="order", entity_id=order.number,
                                data={"return": row.id,
                                      "saleable": sum(x.quantity for x in row.lines if x.condition == "saleable"),
                                      "damaged": sum(x.quantity for x in row.lines if x.condition == "damaged"),
                                      "customs_reference": row.customs_reference}))
        if _everything_back(order):
            orders.apply_event(order, orders.OrderEvent.RETURN)
        refund = _refund_for(order, row, user, method, reference)
        if refund is not None:
            refund_ids.append(refund.id)
        outbox.enqueue(order.email, "return_received", order.lang, order=outbox.order_params(order, order.lang),
                       lines=[{"name": x.order_line.name, "quantity": x.quantity, "condition": x.condition}
                              for x in row.lines],
                       refund=f"{refund.amount:f}" if refund else None, currency=refund.currency if refund else None,
                       link=outbox.order_link(order))
        view = _view(row)
    refunds.send_refunds(refund_ids)
    return view


def _returned_by_lot(order_id: int) -> dict[int, int]:
    """Units of this order already returned into each lot (quarantine lots are counted on their source)."""
    rows = db.session.execute(sa.select(StockMove.note, StockMove.on_hand_delta).where(
        StockMove.order_id == order_id, StockMove.kind == "return")).all()
    counted: dict[int, int] = {}
    for note, delta in rows:
        match = re.search(r"from lot (\d+)", note or "")
        if match:
            counted[int(match.group(1))] = counted.get(int(match.group(1)), 0) + int(delta)
    return counted


def _put_back(order: Order, row: ReturnRequest, line: ReturnLine, lots: dict[int, Lot], returned: dict[int, int],
              user_id: int) -> None:
    """The line's units into the lots they were allocated from (each lot at most what it gave), or their
    quarantine lots when damaged; one `return` ledger row per lot."""
    left = line.quantity
    for allocation in sorted(line.order_line.allocations, key=lambda a: a.id):
        if left <= 0:
            break
        room = allocation.quantity - returned.get(allocation.lot_id, 0)
        units = min(room, left)
        if units <= 0:
            continue
        source = lots[allocation.lot_id]
        target = source if line.condition == "saleable" else _quarantine_lot(source)
        target.on_hand += units
        returned[allocation.lot_id] = returned.get(allocation.lot_id, 0) + units
        db.session.add(StockMove(lot_id=target.id, kind="return", on_hand_delta=units, order_id=order.id,
                                 user_id=user_id,
                                 note=f"return {row.id} {line.condition} from lot {source.id} "
                                      f"{source.customs_entry}"[:200]))
        left -= units


def _everything_back(order: Order) -> bool:
    received = db.session.execute(
        sa.select(ReturnLine.order_line_id, sa.func.sum(ReturnLine.quantity))
        .join(ReturnRequest, ReturnLine.return_id == ReturnRequest.id)
        .where(ReturnRequest.order_id == order.id, ReturnRequest.status == "received")
        .group_by(ReturnLine.order_line_id)).all()
    back = {int(i): int(n or 0) for i, n in received}
    return all(back.get(line.id, 0) >= line.quantity for line in order.lines)


def _refund_for(order: Order, row: ReturnRequest, user: User, method: str, reference: str) -> Refund | None:
    """The refund of the units received (lowered to the money left); None when nothing is left to refund."""
    state = refunds.refundable(order.number)
    if state.left <= 0:
        return None
    left = {line.id: line.left for line in state.lines}
    units = {x.order_line_id: min(x.quantity, left.get(x.order_line_id, 0)) for x in row.lines}
    units = {i: n for i, n in units.items() if n > 0}
    if not units:
        return None
    request = refunds.RefundRequest(kind="lines", lines=units, reason=f"return {row.id}: {row.reason}"[:MAX_REASON],
                                    method=method, reference=reference)
    return refunds.create_refund(order, user.id, request, return_id=row.id, cap_to_left=True)
