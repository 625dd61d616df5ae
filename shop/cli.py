"""The `flask --app wsgi shop ...` commands."""
from __future__ import annotations

import secrets
import sys

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from shop.domain import passwords
from shop.extensions import db
from shop.models import ROLES, Merchant, User

# The operator's terminal speaks English: the password rule's refusals, by code.
PASSWORD_REFUSALS = {
    passwords.TOO_SHORT: f"use at least {passwords.MIN_LENGTH} characters",
    passwords.TOO_LONG: f"use at most {passwords.MAX_LENGTH} characters",
    passwords.IS_EMAIL: "the password must not be the e-mail address",
    passwords.TOO_COMMON: "this password is one of the most common ones: choose another",
}

shop_cli = AppGroup("shop", help="Shop commands: demo data, accounts, listings, reservations.")


@shop_cli.command("demo")
def demo_command():
    """Load the demo merchants, catalogue, lots, express lines and accounts (idempotent)."""
    from shop.services.demo import load_demo
    created = load_demo()
    if any(created.values()):
        click.echo("Demo data loaded: " + ", ".join(f"{v} {k}" for k, v in created.items() if v))
    else:
        click.echo("Demo data already present: nothing changed.")


@shop_cli.command("demo-accounts")
def demo_accounts_command():
    """Print the demo accounts, with their passwords only while those are unchanged."""
    from shop.services.demo import demo_accounts
    users = {user.email: user for user in db.session.scalars(sa.select(User))}
    click.echo("Demo accounts (e-mail / password / role):")
    for account in demo_accounts():
        user = users.get(account["email"])
        if user is not None:
            extra = f" ({account['merchant']})" if account.get("merchant") else ""
            shown = account["password"] if user.check_password(account["password"]) else "(changed)"
            click.echo(f"  {account['email']:<28} {shown:<22} {account['role']}{extra}")


@shop_cli.command("is-empty")
def is_empty_command():
    """Exit 0 when the database holds no products (make run then loads the demo)."""
    from shop.models import Product
    sys.exit(0 if db.session.scalar(sa.select(sa.func.count(Product.id))) == 0 else 1)


@shop_cli.command("check-db")
def check_db_command():
    """Say in one line whether DATABASE_URL can be reached."""
    from flask import current_app
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    try:
        db.session.execute(sa.text("SELECT 1"))
    except Exception as error:  # noqa: BLE001  one clear line instead of a traceback
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0][:200]
        raise click.ClickException(
            f"DATABASE_URL={_redact(url)} cannot be reached: {reason}") from None
    click.echo(f"Database reachable: {_redact(url)}")


def _redact(url: str) -> str:
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001
        return "<malformed>"


@shop_cli.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--merchant", "merchant_slug", help="The merchant's slug (for --role merchant).")
@click.option("--password", help="The password; asked for when omitted, or generated with --generate.")
@click.option("--generate", is_flag=True, help="Generate a password and print it.")
@click.option("--name", default="")
def create_user_command(email, role, merchant_slug, password, generate, name):
    """Create an account with a role; asks for or prints a password."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise click.BadParameter("not an e-mail address", param_hint="EMAIL")
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise click.ClickException(f"An account with {email} already exists.")
    merchant = None
    if role == "merchant":
        if not merchant_slug:
            raise click.BadParameter("a merchant account needs --merchant SLUG", param_hint="--merchant")
        merchant = db.session.scalar(sa.select(Merchant).where(Merchant.slug == merchant_slug))
        if merchant is None:
            raise click.BadParameter(f"no merchant {merchant_slug!r}", param_hint="--merchant")
    if generate or (password is None and not sys.stdin.isatty()):
        password = secrets.token_urlsafe(12)
        click.echo(f"Password: {password}")
    elif password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    refused = passwords.refusal(password, email)
    if refused is not None:
        raise click.BadParameter(PASSWORD_REFUSALS.get(refused, refused), param_hint="--password")
    user = User(email=email, role=role, merchant=merchant, name=name)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} {email}" + (f" for {merchant.slug}" if merchant else ""))


@shop_cli.command("expire-reservations")
def expire_reservations_command():
    """Release the stock of unpaid orders past their payment deadline."""
    from shop.services import outbox, payments
    numbers = payments.expire_reservations()
    outbox.deliver_quietly()
    if numbers:
        click.echo(f"Expired {len(numbers)} unpaid order(s): " + ", ".join(numbers))
    else:
        click.echo("No unpaid order is past its deadline.")


@shop_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Threads running tasks.")
def worker_command(workers: int) -> None:
    """Run the background worker and its schedule (reservations, outbox mail, heartbeat)."""
    from flask import current_app

    from shop.worker import beat, bind_app, huey
    bind_app(current_app._get_current_object())  # type: ignore[attr-defined]
    beat()  # /healthz sees the worker at once, not only at the first minute's heartbeat
    click.echo(f"Worker: {type(huey).__name__} queue {huey.name!r}, {workers} thread(s); Ctrl-C stops it.")
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True,
                                    check_worker_health=True)
    consumer.run()


@shop_cli.command("stripe-standin")
@click.option("--port", type=int, default=8420, show_default=True)
@click.option("--webhook-url", required=True, help="Where the stand-in sends its events (the shop's /webhooks/stripe).")
def stripe_standin_command(port: int, webhook_url: str) -> None:
    """A local Stripe stand-in for development (localstripe, nothing kept on disk)."""
    from flask import current_app

    if current_app.config.get("SHOP_ENV") == "production":
        raise click.ClickException("The Stripe stand-in is for development only.")
    from shop.dev.stripe_standin import serve
    serve(port, webhook_url, current_app.config.get("STRIPE_WEBHOOK_SECRET") or "")


@shop_cli.command("refresh-rates")
def refresh_rates_command() -> None:
    """Fetch today's exchange rates from EXCHANGE_RATES_URL (the worker does it daily)."""
    from flask import current_app

    from shop.adapters.feeds import fetch
    from shop.services.exchange_rates import refresh_exchange_rates
    result = refresh_exchange_rates(current_app.config.get("EXCHANGE_RATES_URL"), fetch)
    if result.error == "not_configured":
        raise click.ClickException("EXCHANGE_RATES_URL is not set: rates stay as the admin set them.")
    if result.error:
        raise click.ClickException(f"The feed was not used ({result.error.replace('_', ' ')}); nothing changed.")
    click.echo(f"Rates of {result.as_of}: written {', '.join(result.written) or 'none'}"
               + (f"; kept the admin's {', '.join(result.kept)}" if result.kept else ""))


@shop_cli.command("reindex-search")
@click.option("--if-stale", is_flag=True, help="Only when the documents predate the spelling vocabulary.")
def reindex_search_command(if_stale):
    """Rebuild every product's search documents and spelling vocabulary (after changing how
    search normalises text)."""
    from shop.services.search import index_is_stale, reindex_all
    if if_stale and not index_is_stale():
        return
    count = reindex_all()
    db.session.commit()
    click.echo(f"Search index rebuilt for {count} products.")


@shop_cli.command("create-operator-token")
@click.argument("line_code")
@click.option("--name", default="", help="Who or what uses the token (default: the line's code).")
def create_operator_token_command(line_code: str, name: str) -> None:
    """Print a new API token for the operator of an express line (tracking events); shown only this once."""
    from shop.services import tracking
    try:
        _token, secret = tracking.create_operator_token(line_code, name, None)
    except tracking.LineNotFound:
        raise click.ClickException(f"no express line {line_code[:40]!r}") from None
    click.echo(secret)


@shop_cli.command("import-listings")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--merchant", "merchant_slug", required=True, help="The merchant whose listings these are.")
def import_listings_command(csv_file, merchant_slug):
    """Create or update a merchant's listings and lots from CSV: all rows or none."""
    from shop.services.listings import ListingImportError, import_listings_csv
    with open(csv_file, "rb") as handle:
        data = handle.read()
    with click.progressbar(length=1, label="Checking rows") as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)
        try:
            result = import_listings_csv(data, merchant_slug, progress=progress)
        except ListingImportError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"Imported {result.created} new and {result.updated} updated listings, {result.lots} lots.")


@shop_cli.command("import-images")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--merchant", "merchant_slug", required=True, help="The merchant whose listings these are.")
def import_images_command(folder, merchant_slug):
    """Attach photos named <SKU>.jpg, <SKU>-2.png, ... to a merchant's listings: all or none."""
    from pathlib import Path

    from shop.services.photos import PhotoImportError, import_images
    from shop.web.media import queue_renditions
    bars: dict[str, object] = {}

    def progress(stage: str, done: int, total: int) -> None:
        label = "Checking photos" if stage == "checked" else "Saving"
        if stage not in bars:
            bars[stage] = click.progressbar(length=total, label=label)
            bars[stage].__enter__()  # type: ignore[attr-defined]
        bar = bars[stage]
        bar.update(done - bar.pos)  # type: ignore[attr-defined]
        if done >= total:
            bar.__exit__(None, None, None)  # type: ignore[attr-defined]

    try:
        result = import_images(Path(folder), merchant_slug, progress=progress)
    except PhotoImportError as error:
        raise click.ClickException(str(error)) from None
    queue_renditions(result.image_ids)
    click.echo(f"Attached {len(result.image_ids)} photos to {result.listings} listings.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(shop_cli)


@shop_cli.command("create-discount")
@click.argument("code")
@click.option("--kind", required=True, type=click.Choice(["percent", "amount", "free_shipping"]))
@click.option("--value", default="", help="Percent off (10), or CNY off (25.00); not for free_shipping.")
@click.option("--max-uses", "max_uses", default="", help="Uses over all buyers (default: no limit).")
@click.option("--per-buyer", "per_buyer", default="", help="Uses per buyer: account, e-mail and PRC ID number.")
@click.option("--min-subtotal", "min_subtotal", default="", help="Goods in CNY the code needs in the cart.")
@click.option("--from", "valid_from", default="", help="First day, YYYY-MM-DD (Kashgar business time).")
@click.option("--until", "valid_until", default="", help="Last day, YYYY-MM-DD (Kashgar business time).")
@click.option("--line", default="", help="free_shipping on this express line only (default: every line).")
def create_discount_command(code, kind, value, max_uses, per_buyer, min_subtotal, valid_from, valid_until, line):
    """Create a discount code of the shop's, as /admin/discounts does (for everything)."""
    from shop.services import discounts
    try:
        saved = discounts.save_discount({
            "code": code, "kind": kind, "value": value, "max_uses": max_uses, "per_buyer": per_buyer,
            "min_subtotal": min_subtotal, "valid_from": valid_from, "valid_until": valid_until, "line": line,
            "scope": "all"})
    except discounts.InvalidDiscount as invalid:
        # The operator's terminal: each field's reason, in the default language.
        raise click.ClickException("; ".join(f"--{name.replace('_', '-')}: {message}"
                                             for name, message in invalid.errors.items())) from None
    click.echo(f"Discount code {saved.code} created ({saved.kind}).")
