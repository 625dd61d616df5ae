"""The audit trail: who changed what, written inside the transaction that makes the change."""
from __future__ import annotations

from collections.abc import Mapping

from shop.extensions import db
from shop.models import AuditLog

__all__ = ["audit"]


def audit(user_id: int | None, action: str, entity: str, entity_id: object, data: Mapping[str, object]) -> None:
    """Record a change inside the caller's transaction (values already JSON-friendly)."""
    db.session.add(AuditLog(user_id=user_id, action=action, entity=entity, entity_id=str(entity_id)[:64],
                            data=dict(data)))
