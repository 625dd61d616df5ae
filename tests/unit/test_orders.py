"""The order state machine."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop.domain.orders import (
    COD_STATUS_ORDER,
    FINAL_STATUSES,
    STATUS_ORDER,
    IllegalTransition,
    OrderEvent,
    OrderStatus,
    allowed_events,
    buyer_may_cancel,
    can,
    initial_status,
    next_status,
    releases_stock,
    transition,
)

S, E = OrderStatus, OrderEvent


def walk(status, *events, cod=False):
    for event in events:
        status = next_status(status, event, cash_on_delivery=cod)
    return status


def test_a_prepaid_order_goes_from_payment_to_delivery():
    assert initial_status() is S.PENDING_PAYMENT
    assert walk(S.PENDING_PAYMENT, "pay", "start_picking", "pack", "ship", "deliver") is S.DELIVERED


def test_accepts_status_and_event_names_as_strings():
    assert next_status("pending_payment", "pay") == "paid"


@pytest.mark.parametrize("event", [E.CANCEL, E.EXPIRE])
def test_an_unpaid_order_cancelled_or_expired_is_cancelled_and_gives_stock_back(event):
    step = transition(S.PENDING_PAYMENT, event)
    assert step.target is S.CANCELLED
    assert step.releases_stock and not step.refunds_payment


def test_a_paid_order_cancelled_before_picking_is_refunded_and_gives_stock_back():
    step = transition(S.PAID, E.CANCEL)
    assert step.target is S.REFUNDED
    assert step.releases_stock and step.refunds_payment


def test_paying_marks_the_order_paid():
    assert transition(S.PENDING_PAYMENT, E.PAY).marks_paid


def test_a_shipped_order_refunded_does_not_give_stock_back():
    step = transition(S.SHIPPED, E.REFUND)
    assert step.target is S.REFUNDED and step.refunds_payment and not step.releases_stock


def test_a_delivered_order_may_be_refunded():
    assert next_status(S.DELIVERED, E.REFUND) is S.REFUNDED


def test_cash_on_delivery_starts_confirmed_without_payment():
    assert initial_status(cash_on_delivery=True) is S.CONFIRMED
    assert walk(S.CONFIRMED, "start_picking", "pack", "ship", cod=True) is S.SHIPPED


def test_delivering_a_cash_on_delivery_order_marks_it_paid():
    step = transition(S.SHIPPED, E.DELIVER, cash_on_delivery=True)
    assert step.target is S.DELIVERED and step.marks_paid


def test_delivering_a_prepaid_order_does_not_mark_it_paid_again():
    assert not transition(S.SHIPPED, E.DELIVER).marks_paid


def test_a_confirmed_cash_on_delivery_order_cancelled_is_cancelled_not_refunded():
    step = transition(S.CONFIRMED, E.CANCEL, cash_on_delivery=True)
    assert step.target is S.CANCELLED and step.releases_stock and not step.refunds_payment


def test_a_cash_on_delivery_order_cannot_be_refunded_before_it_is_paid():
    assert not can(S.PACKED, E.REFUND, cash_on_delivery=True)
    assert can(S.DELIVERED, E.REFUND, cash_on_delivery=True)


def test_a_cash_on_delivery_order_is_never_paid_online():
    assert not can(S.CONFIRMED, E.PAY, cash_on_delivery=True)


def test_a_cash_on_delivery_order_does_not_expire():
    assert not can(S.CONFIRMED, E.EXPIRE, cash_on_delivery=True)


@pytest.mark.parametrize("status, event", [
    (S.PENDING_PAYMENT, E.SHIP),
    (S.PAID, E.PAY),  # a repeated payment event
    (S.CANCELLED, E.PAY),  # payment arriving after the reservation lapsed
    (S.SHIPPED, E.CANCEL),
    (S.PAID, E.EXPIRE),
    (S.REFUNDED, E.REFUND),
    (S.CONFIRMED, E.START_PICKING),  # confirmed exists only for cash on delivery
])
def test_refuses_an_illegal_transition(status, event):
    assert not can(status, event)
    with pytest.raises(IllegalTransition) as error:
        next_status(status, event)
    assert (error.value.status, error.value.event) == (status, event)
    assert event.value in str(error.value)


def test_unknown_names_are_programming_errors():
    with pytest.raises(ValueError):
        next_status("lost", "pay")
    with pytest.raises(ValueError):
        can("paid", "teleport")


def test_lists_the_events_allowed_now():
    assert allowed_events(S.PAID) == (E.START_PICKING, E.CANCEL, E.REFUND)
    assert allowed_events(S.CANCELLED) == ()


@pytest.mark.parametrize("status, may", [
    (S.PENDING_PAYMENT, True), (S.PAID, True), (S.CONFIRMED, True),
    (S.PICKING, False), (S.PACKED, False), (S.SHIPPED, False), (S.CANCELLED, False),
])
def test_the_buyer_may_cancel_only_before_picking(status, may):
    assert buyer_may_cancel(status) is may


@pytest.mark.parametrize("source, target, gives_back", [
    (S.PENDING_PAYMENT, S.CANCELLED, True),
    (S.PICKING, S.REFUNDED, True),
    (S.PACKED, S.CANCELLED, True),
    (S.SHIPPED, S.REFUNDED, False),
    (S.DELIVERED, S.REFUNDED, False),
    (S.PAID, S.PICKING, False),
])
def test_stock_goes_back_only_when_an_order_ends_before_shipping(source, target, gives_back):
    assert releases_stock(source, target) is gives_back


def test_progress_steps_follow_the_happy_path():
    assert STATUS_ORDER == (S.PENDING_PAYMENT, S.PAID, S.PICKING, S.PACKED, S.SHIPPED, S.DELIVERED)
    assert COD_STATUS_ORDER[0] is S.CONFIRMED and COD_STATUS_ORDER[-1] is S.DELIVERED
    for order, cod in ((STATUS_ORDER, False), (COD_STATUS_ORDER, True)):
        for here, there in zip(order, order[1:], strict=False):
            assert any(next_status(here, e, cash_on_delivery=cod) is there
                       for e in allowed_events(here, cash_on_delivery=cod))


def _reachable(cod):
    seen, frontier = set(), [initial_status(cash_on_delivery=cod)]
    while frontier:
        status = frontier.pop()
        if status in seen:
            continue
        seen.add(status)
        frontier.extend(next_status(status, e, cash_on_delivery=cod)
                        for e in allowed_events(status, cash_on_delivery=cod))
    return seen


def test_every_status_is_reachable_in_one_mode_or_the_other():
    assert _reachable(False) | _reachable(True) == set(OrderStatus)
    assert S.CONFIRMED not in _reachable(False)
    assert {S.PENDING_PAYMENT, S.PAID}.isdisjoint(_reachable(True))


@given(st.booleans(), st.lists(st.sampled_from(list(OrderEvent)), max_size=12))
def test_every_reachable_states_transitions_are_consistent(cod, events):
    status, paid, released = initial_status(cash_on_delivery=cod), False, False
    for event in events:
        legal = can(status, event, cash_on_delivery=cod)
        assert legal == (event in allowed_events(status, cash_on_delivery=cod))
        if not legal:
            with pytest.raises(IllegalTransition):
                transition(status, event, cash_on_delivery=cod)
            continue
        step = transition(status, event, cash_on_delivery=cod)
        assert step.source is status and step.event is event
        assert step.target is next_status(status, event, cash_on_delivery=cod)
        assert step.target in _reachable(cod)
        assert step.releases_stock == releases_stock(status, step.target)
        assert not (step.marks_paid and paid), "paid twice"
        assert not (step.releases_stock and released), "stock given back twice"
        assert not step.refunds_payment or paid, "refund of an order never paid"
        paid = paid or step.marks_paid
        released = released or step.releases_stock
        status = step.target
        # final statuses are dead ends; delivered is reached only through shipped
        if status in FINAL_STATUSES:
            assert allowed_events(status, cash_on_delivery=cod) == ()
        if status is S.DELIVERED:
            assert step.source is S.SHIPPED
        # an order that keeps its stock is paid for, or is cash on delivery
        if status in {S.PICKING, S.PACKED, S.SHIPPED, S.DELIVERED}:
            assert paid or (cod and status is not S.DELIVERED)
