"""Blueprints whose URLs start with a language prefix (/en/, /zh/, /ru/, /ur/)."""
from flask import Blueprint, g


def localized_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint that takes the language from its URL prefix and puts it back in url_for."""
    bp = Blueprint(name, import_name)

    @bp.url_value_preprocessor
    def _pull_lang(_endpoint, values):
        g.lang = values.pop("lang", None) if values else None

    @bp.url_defaults
    def _push_lang(endpoint, values):
        if "lang" not in values and getattr(g, "lang", None):
            values["lang"] = g.lang

    return bp
