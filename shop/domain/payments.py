"""Where a payment attempt stands: Stripe's PaymentIntent statuses and the shop's own after it."""

from __future__ import annotations

from enum import Enum

__all__ = ["PaymentStatus"]


class PaymentStatus(str, Enum):
    """A payment's status; the spelling `canceled` is Stripe's."""

    CREATED = "created"
    REQUIRES_PAYMENT_METHOD = "requires_payment_method"
    REQUIRES_CONFIRMATION = "requires_confirmation"
    REQUIRES_ACTION = "requires_action"
    PROCESSING = "processing"
    FAILED = "failed"
    SUCCEEDED = "succeeded"
    CANCELED = "canceled"
    REFUND_PENDING = "refund_pending"
    REFUNDED = "refunded"
    REFUND_FAILED = "refund_failed"  # Stripe refused the refund: staff must settle it by hand
