"""Account views."""
import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from shop.extensions import db, limiter, login_manager
from shop.i18n import current_language
from shop.models import User
from shop.web.account import bp
from shop.web.account.forms import LoginForm, RegisterForm


@login_manager.user_loader
def load_user(user_id: str):
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


@login_manager.unauthorized_handler
def unauthorized():
    return redirect(url_for("account.login", lang=current_language(), next=request.full_path))


def _safe_next(default: str) -> str:
    target = request.args.get("next") or ""
    # Only same-site paths: never an open redirect.
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def _email_key() -> str:
    return (request.form.get("email") or "").strip().lower()[:254] or request.remote_addr or "-"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@limiter.limit("10 per minute", methods=["POST"], key_func=_email_key)
def login():
    """Sign in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(_safe_next(url_for("storefront.home")))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is not None and user.active and user.check_password(form.password.data):
            login_user(user, remember=form.remember.data)
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
        email = form.email.data.strip().lower()
        if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
            form.email.errors.append(_("An account with this e-mail already exists."))
        else:
            user = User(email=email, name=form.name.data.strip(), role="buyer", preferred_lang=current_language())
            user.set_password(form.password.data)
            db.session.add(user)
            db.session.commit()
            login_user(user)
            flash(_("Your account is ready."), "success")
            return redirect(_safe_next(url_for("storefront.home")))
    return render_template("account/register.html", form=form), (400 if form.errors else 200)


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """Sign out (POST with CSRF; GET shows the button)."""
    if request.method == "POST":
        logout_user()
        flash(_("You are signed out."), "success")
        return redirect(url_for("storefront.home"))
    return render_template("account/logout.html")
