"""Flask extensions, created unbound and bound to the app in create_app."""
import sqlalchemy as sa
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
import shop.limiter_storage  # noqa: E402,F401  (registers the sqlitefile:// store every worker shares)

limiter = Limiter(key_func=get_remote_address, default_limits=[])


def merchant_api_limit() -> str:
    """The merchant API's limit per token (config MERCHANT_API_RATE_LIMIT)."""
    from flask import current_app
    return current_app.config.get("MERCHANT_API_RATE_LIMIT") or "300 per minute"


def merchant_api_key() -> str:
    """Count merchant API calls per bearer token (a digest of it), or per address without one."""
    import hashlib

    from flask import request
    header = request.headers.get("Authorization", "")
    if header.strip():
        return "merchant-token:" + hashlib.sha256(header.strip().encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return "merchant-addr:" + get_remote_address()
