"""Error pages in the buyer's language, JSON errors under /api and /webhooks."""
import logging

from flask import Flask, flash, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from shop.extensions import db
from shop.web.redirects import local_path, referrer_path

log = logging.getLogger(__name__)


def wants_json() -> bool:
    if request.path.startswith(("/api/", "/webhooks/")):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def json_error(status: int, code: str, message: str, **extra):
    """The API's error shape: {"error": {"code", "message"}} with a 4xx/5xx status."""
    body = {"error": {"code": code, "message": message, **extra}}
    return jsonify(body), status


MESSAGES = {
    400: ("bad_request", lambda: _("The request could not be understood.")),
    401: ("unauthorized", lambda: _("Please sign in to continue.")),
    403: ("forbidden", lambda: _("You do not have access to this page.")),
    404: ("not_found", lambda: _("We could not find that page.")),
    405: ("method_not_allowed", lambda: _("That action is not allowed here.")),
    413: ("too_large", lambda: _("What you sent is too large.")),
    429: ("too_many_requests", lambda: _("Too many attempts. Please wait a minute and try again.")),
    500: ("server_error", lambda: _("Something went wrong on our side. Please try again.")),
}


def _kept_headers(error: HTTPException) -> list[tuple[str, str]]:
    """The error's own headers (Allow on a 405, WWW-Authenticate, Retry-After), not its type."""
    return [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        """A form without a valid CSRF token changes nothing and is shown again with a message."""
        message = _("Your form had expired. Please try again.")
        if wants_json():
            return json_error(400, "csrf_failed", message)
        flash(message, "error")
        # Back to the form's page when the Referer is a page of this site, else to this address.
        return redirect(referrer_path(local_path(request.path, "/")), 303)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        code, message = MESSAGES.get(status, ("error", lambda: error.description))
        if wants_json():
            body, status = json_error(status, code, message())
            return body, status, _kept_headers(error)
        return render_template("errors/error.html", status=status, message=message()), status, _kept_headers(error)

    @app.errorhandler(Exception)
    def unhandled(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        code, message = MESSAGES[500]
        if wants_json():
            return json_error(500, code, message())
        return render_template("errors/error.html", status=500, message=message()), 500
