"""Role checks for the merchant, staff and admin areas."""
from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

from shop.i18n import current_language


def role_required(*roles: str):
    """Send anonymous visitors to sign in; answer 403 to accounts without one of `roles`."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("account.login", lang=current_language(), next=request.full_path))
            if current_user.role not in roles:
                abort(403)
            if "merchant" in roles and current_user.role == "merchant" and current_user.merchant_id is None:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
