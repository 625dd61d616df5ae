"""The Kashgar bonded-zone shop: application factory."""
from __future__ import annotations

import logging

from flask import Flask
from werkzeug.exceptions import SecurityError

from config import Config


def create_app(config_class: type[Config] | dict | None = None) -> Flask:
    """Build the app from a config class (or a mapping of overrides, for tests)."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_object(Config)
    if isinstance(config_class, dict):
        app.config.update(config_class)
    elif config_class is not None:
        app.config.from_object(config_class)
    _refuse_unsafe_production(app)

    from shop import models  # noqa: F401  (registers the tables)
    from shop.extensions import babel, csrf, db, limiter, login_manager, migrate
    from shop.i18n import LangConverter, select_locale

    app.url_map.converters["lang"] = LangConverter
    app.url_map.strict_slashes = False
    _init_database(app, db)
    migrate.init_app(app, db, directory=str(_root() / "migrations"), render_as_batch=True,
                     compare_type=True)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: "Asia/Shanghai")
    from shop.web.messages import install_translator
    install_translator()
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)

    from shop.database import configure_engine
    with app.app_context():
        configure_engine(db.engine)

    from shop import bootstrap
    bootstrap.init_app(app)

    from shop.web import register_blueprints
    register_blueprints(app)
    from shop.web.errors import register_error_handlers
    register_error_handlers(app)
    app.register_error_handler(SecurityError, _unknown_host)
    from shop.web.input_guard import register_input_guard
    register_input_guard(app)
    from shop.web.templating import register_template_helpers
    register_template_helpers(app)
    from shop.web.response_cache import invalidate_on_writes
    invalidate_on_writes()
    from shop.web.security_headers import register_security_headers
    register_security_headers(app)
    from shop.cli import register_cli
    register_cli(app)

    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
    return app


def _unknown_host(_error: SecurityError):
    """A request for a host not in TRUSTED_HOSTS: plain 400, without the pages' templates (which
    would build URLs on the host refused)."""
    return {"error": {"code": "unknown_host", "message": "This host is not served here."}}, 400


def _init_database(app: Flask, db) -> None:
    """Bind SQLAlchemy, turning a malformed DATABASE_URL into one clear line."""
    import sqlalchemy as sa
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    try:
        sa.engine.make_url(url)
        db.init_app(app)
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as error:
        raise SystemExit(f"DATABASE_URL is not a usable database address: {error}") from None


def _root():
    from pathlib import Path
    return Path(__file__).resolve().parent.parent


def _refuse_unsafe_production(app: Flask) -> None:
    from urllib.parse import urlsplit

    from config import DEV_SECRET
    if app.config.get("SHOP_ENV") != "production":
        return
    if app.config.get("SECRET_KEY") in (None, "", DEV_SECRET):
        raise RuntimeError("SECRET_KEY must be set to a real secret when SHOP_ENV=production")
    base = urlsplit(app.config.get("SHOP_BASE_URL") or "")
    if base.scheme not in ("http", "https") or not base.hostname:
        # Every link the shop writes (mail, documents, payment return) is made from it, never from a request.
        raise RuntimeError("SHOP_BASE_URL must be set to the shop's public address (https://...) "
                           "when SHOP_ENV=production")
    if app.config.get("TRUSTED_HOSTS") is None:
        # Requests for another host are refused (400): a forged Host header reaches nothing.
        app.config["TRUSTED_HOSTS"] = [base.hostname]
