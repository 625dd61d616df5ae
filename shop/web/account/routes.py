"""Account views: sign in and out, register, the account page, change and reset a password."""
import logging

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from shop.domain import passwords
from shop.extensions import db, limiter, login_manager
from shop.i18n import current_language
from shop.services import accounts, addresses, ordering, outbox
from shop.web.account import bp
from shop.web.account.forms import ChangePasswordForm, LoginForm, RegisterForm, ResetPasswordForm, ResetRequestForm
from shop.web.context import bring_guest_cart, forget_buyer_context
from shop.web.redirects import local_path

log = logging.getLogger(__name__)


@login_manager.user_loader
def load_user(user_id: str):
    """The account of a session or remember-me cookie, unless its sessions were ended since."""
    return accounts.user_for_session(user_id)


def password_refusal(error: accounts.WeakPassword) -> str:
    """The password rule's refusal, in the buyer's language."""
    if error.code == passwords.IS_EMAIL:
        return _("Your password must not be your e-mail address.")
    if error.code == passwords.TOO_COMMON:
        return _("This password is one of the most common ones. Please choose one that is harder to guess.")
    if error.code == passwords.TOO_LONG:
        return _("Your password is too long.")
    return _("Your password needs at least 10 characters.")


@login_manager.unauthorized_handler
def unauthorized():
    return redirect(url_for("account.login", lang=current_language(), next=request.full_path))


def _safe_next(default: str) -> str:
    return local_path(request.args.get("next"), default)


def _email_key() -> str:
    return (request.form.get("email") or "").strip().lower()[:254] or request.remote_addr or "-"


def _sign_in(user: accounts.User, remember: bool = False) -> None:
    """Sign in and bring the guest's cart along."""
    login_user(user, remember=remember)
    try:
        bring_guest_cart(user.id)
    except Exception:  # noqa: BLE001  a cart problem must not stop the sign-in itself
        db.session.rollback()
        log.exception("could not merge the guest cart of user %s", user.id)
    forget_buyer_context()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@limiter.limit("10 per minute;50 per day", methods=["POST"], key_func=_email_key)
def login():
    """Sign in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(_safe_next(url_for("storefront.home")))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            _sign_in(user, remember=form.remember.data)
            flash(_("Welcome back, %(name)s.", name=user.name or user.email), "success")
            return redirect(_safe_next(url_for("storefront.home")))
        form.password.errors.append(_("The e-mail or password is not right."))
    return render_template("account/login.html", form=form), (400 if form.errors else 200)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def register():
    """Open a buyer account."""
    if current_user.is_authenticated:
        return redirect(url_for("storefront.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register(email=form.email.data, name=form.name.data, password=form.password.data,
                                     lang=current_language())
        except accounts.EmailTaken:
            form.email.errors.append(_("An account with this e-mail already exists."))
        except accounts.WeakPassword as error:
            form.password.errors.append(password_refusal(error))
        else:
            _sign_in(user)
            flash(_("Your account is ready."), "success")
            return redirect(_safe_next(url_for("storefront.home")))
    return render_template("account/register.html", form=form), (400 if form.errors else 200)


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """Sign out (POST with CSRF; GET shows the button): every session of the account ends."""
    if request.method == "POST":
        if current_user.is_authenticated:
            accounts.end_all_sessions(current_user.id)
        logout_user()
        flash(_("You are signed out."), "success")
        return redirect(url_for("storefront.home"))
    return render_template("account/logout.html")


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    """End every session of the account, in every browser and device (POST with CSRF)."""
    accounts.end_all_sessions(current_user.id)
    logout_user()
    flash(_("You are signed out on every device."), "success")
    return redirect(url_for("account.login"), 303)


@bp.get("/account")
@login_required
def account():
    """The buyer's account: orders, saved addresses, password."""
    recent, _total = ordering.orders_of(current_user.id, 1, per_page=5)
    return render_template("account/account.html", addresses=addresses.recent_addresses(current_user.id, limit=5),
                           orders=recent)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"], key_func=lambda: f"user:{current_user.id}")
def change_password():
    """Change the password, knowing the current one."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.change_password(current_user.id, form.current.data, form.password.data)
        except accounts.WrongPassword:
            form.current.errors.append(_("This is not your current password."))
        except accounts.WeakPassword as error:
            form.password.errors.append(password_refusal(error))
        else:
            # Every other session has ended; this browser stays signed in with the new version.
            login_user(user, remember=request.cookies.get(
                current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")) is not None)
            flash(_("Your password is changed."), "success")
            return redirect(url_for("account.account"))
    return render_template("account/password.html", form=form), (400 if form.errors else 200)


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
@limiter.limit("3 per hour", methods=["POST"], key_func=_email_key)
def forgot_password():
    """Ask for a link to set a new password."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data, current_language())
        outbox.deliver_quietly()
        # The same answer whether or not the account exists: nobody learns who has one.
        flash(_("If an account exists for %(email)s, we have sent it a link to choose a new password.",
                email=form.email.data.strip()), "success")
        return redirect(url_for("account.login"))
    return render_template("account/forgot_password.html", form=form), (400 if form.errors else 200)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from an e-mailed link."""
    if len(token) > 500:
        abort(404)
    try:
        accounts.user_for_reset_token(token)
    except accounts.InvalidResetLink:
        flash(_("This link is no longer valid. Please ask for a new one."), "error")
        return redirect(url_for("account.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.password.data)
        except accounts.InvalidResetLink:
            flash(_("This link is no longer valid. Please ask for a new one."), "error")
            return redirect(url_for("account.forgot_password"))
        except accounts.WeakPassword as error:
            form.password.errors.append(password_refusal(error))
            return render_template("account/reset_password.html", form=form), 400
        logout_user()
        flash(_("Your new password is set. Please sign in."), "success")
        return redirect(url_for("account.login"))
    return render_template("account/reset_password.html", form=form), (400 if form.errors else 200)
