"""One gate for odd input, before any view runs: text with NUL or other control characters in the
path, the query or a form, and JSON bodies nested too deep or carrying NUL, answer 400 (a JSON
error under /api and /webhooks, a translated page elsewhere) and change nothing. A page's query
string (a pasted search) is read without its control characters instead.

PostgreSQL refuses NUL in text, and Python's JSON parser recurses: without this gate such
requests reach the database or the parser and answer 500."""
from __future__ import annotations

import json
import re

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict

from shop.web.errors import json_error, wants_json

# C0 controls except tab, newline and carriage return (forms carry those), DEL, and the
# surrogates a malformed percent-escape may decode to.
_BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
MAX_JSON_DEPTH = 32
_JSON_PATHS = ("/api/", "/webhooks/")


def bad_text(value: str | None) -> bool:
    # A multipart part without a name reaches the form under the key None.
    return value is not None and _BAD_TEXT.search(value) is not None


def json_too_deep(data: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether brackets outside strings nest deeper than `limit` (scanned, never parsed)."""
    depth = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def _json_has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_json_has_nul(k) or _json_has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_json_has_nul(v) for v in value)
    return False


def _refuse(code: str, message: str) -> ResponseReturnValue:
    if wants_json():
        answer: ResponseReturnValue = json_error(400, code, message)
        return answer
    return render_template("errors/error.html", status=400, message=message), 400


def check_request() -> ResponseReturnValue | None:
    """before_request: None to go on, or the 400 answer."""
    if bad_text(request.path):
        return _refuse("invalid_text", _("The address holds characters that are not allowed."))
    if any(bad_text(k) or any(bad_text(v) for v in request.args.getlist(k)) for k in request.args):
        if request.path.startswith(_JSON_PATHS):
            return _refuse("invalid_text", _("The address holds characters that are not allowed."))
        # A page's query (a pasted search): read it without the control characters.
        request.args = ImmutableMultiDict(
            [(_BAD_TEXT.sub("", k), _BAD_TEXT.sub("", v)) for k, v in request.args.items(multi=True)])
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = request.form
        if any(bad_text(k) or any(bad_text(v) for v in form.getlist(k)) for k in form):
            return _refuse("invalid_text", _("The form holds characters that are not allowed."))
    elif request.path.startswith(_JSON_PATHS):
        data = request.get_data(cache=True)
        if not data:
            return None
        if json_too_deep(data):
            return _refuse("too_deep", _("The JSON is nested too deeply."))
        if request.is_json or request.path.startswith("/webhooks/"):
            try:
                parsed = json.loads(data)
            except (ValueError, RecursionError):
                return None  # the view answers malformed JSON itself
            if _json_has_nul(parsed):
                return _refuse("invalid_text", _("The JSON holds characters that are not allowed."))
    return None


def register_input_guard(app: Flask) -> None:
    app.before_request(check_request)
