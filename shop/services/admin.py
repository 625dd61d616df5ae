"""Back-office use cases: exchange rates, duty rules, account roles, and the audit trail they all write."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from shop.database import write_transaction
from shop.extensions import db
from shop.models import ROLES as ROLES  # the roles change_role gives, which the back office offers
from shop.models import AuditLog, DutyRule, ExchangeRate, User
from shop.services.audit import audit

AUDIT_PAGE = 100


class AdminError(Exception):
    """A back-office change the rules refuse; nothing was saved. `code` names the rule."""

    code = "admin_error"


class CannotDemoteYourself(AdminError):
    code = "demote_self"


class MerchantRoleNeedsMerchant(AdminError):
    code = "merchant_without_merchant"


class NotFound(AdminError):
    code = "not_found"




def jsonable(value: object) -> object:
    """A value as the audit log stores it: decimals and times as text."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return sorted((jsonable(v) for v in value), key=str)
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def recent_audit(limit: int = AUDIT_PAGE) -> list[tuple[AuditLog, str | None]]:
    """The newest audit rows with the e-mail of who made each change."""
    rows = db.session.execute(
        sa.select(AuditLog, User.email).outerjoin(User, User.id == AuditLog.user_id)
        .order_by(AuditLog.id.desc()).limit(limit))
    return [(log, email) for log, email in rows]


# ---- exchange rates ---------------------------------------------------------------------

def rate_history(limit: int = 60) -> list[ExchangeRate]:
    return list(db.session.scalars(
        sa.select(ExchangeRate).order_by(ExchangeRate.as_of.desc(), ExchangeRate.currency).limit(limit)))


def set_rate(currency: str, rate: Decimal, today: dt.date, user_id: int | None) -> ExchangeRate:
    """Today's rate of `currency` (units for one CNY): added, or replacing today's earlier one."""
    if rate <= 0:
        raise ValueError("an exchange rate must be positive")
    currency = currency.upper()
    with write_transaction():
        row = db.session.scalar(sa.select(ExchangeRate).where(
            ExchangeRate.currency == currency, ExchangeRate.as_of == today))
        before = None
        if row is None:
            row = ExchangeRate(currency=currency, rate=rate, as_of=today)
            db.session.add(row)
        else:
            before = jsonable(row.rate)
            row.rate = rate
        db.session.flush()
        audit(user_id, "exchange_rate.set", "exchange_rate", f"{currency} {today.isoformat()}",
              {"currency": currency, "as_of": today.isoformat(), "rate": jsonable(rate), "before": before})
    return row


# ---- duty rules -------------------------------------------------------------------------

def duty_rules() -> list[DutyRule]:
    return list(db.session.scalars(sa.select(DutyRule).order_by(DutyRule.country)))


def get_duty_rule(country: str) -> DutyRule | None:
    return db.session.scalar(sa.select(DutyRule).where(DutyRule.country == country.upper()))


DUTY_FIELDS = ("threshold", "currency", "rate", "per", "basis", "valid_from")


def update_duty_rule(country: str, values: dict[str, object], user_id: int | None) -> dict[str, list[object]]:
    """Change a destination's duty rule; returns the fields changed as {field: [before, after]}."""
    with write_transaction():
        rule = db.session.scalar(sa.select(DutyRule).where(DutyRule.country == country.upper()).with_for_update())
        if rule is None:
            raise NotFound(country)
        changed = {}
        for name in DUTY_FIELDS:
            if name in values and getattr(rule, name) != values[name]:
                changed[name] = [jsonable(getattr(rule, name)), jsonable(values[name])]
                setattr(rule, name, values[name])
        if changed:
            audit(user_id, "duty_rule.update", "duty_rule", rule.country, changed)
    return changed


# ---- accounts ---------------------------------------------------------------------------

def users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.role.desc(), User.email)))


def change_role(user_id: int, role: str, acting_user_id: int) -> bool:
    """Give an account another role; returns whether anything changed.

    Raises CannotDemoteYourself when an admin would take their own admin role away (the shop
    must never be left without the person who can give it back), MerchantRoleNeedsMerchant
    for an account tied to no merchant, NotFound for an unknown account."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    with write_transaction():
        user = db.session.scalar(sa.select(User).where(User.id == user_id).with_for_update())
        if user is None:
            raise NotFound(user_id)
        if user.role == role:
            return False
        if user.id == acting_user_id:
            raise CannotDemoteYourself()
        if role == "merchant" and user.merchant_id is None:
            raise MerchantRoleNeedsMerchant()
        audit(acting_user_id, "user.role", "user", user.id, {"email": user.email, "role": [user.role, role]})
        user.role = role
    return True
