"""The outside world stays in shop/adapters/: these services call it through shop/services/ports.py
and import no web framework, Stripe, WeasyPrint or python-barcode; the adapters are wired in one place."""
from pathlib import Path

import pytest

from tests.test_architecture import imported_roots

SHOP = Path(__file__).resolve().parent.parent / "shop"
OUTSIDE = {"flask", "flask_babel", "flask_login", "flask_wtf", "werkzeug", "jinja2", "stripe", "weasyprint",
           "barcode", "smtplib"}
FRAMEWORK_FREE = ["outbox", "payments", "accounts", "documents", "ordering", "settings", "ports", "csv_export"]


@pytest.mark.parametrize("name", FRAMEWORK_FREE)
def test_the_service_reaches_the_outside_world_only_through_ports(name):
    package = SHOP / "services" / name  # a service split into a package: every module of it
    sources = sorted(package.rglob("*.py")) if package.is_dir() else [SHOP / "services" / f"{name}.py"]
    assert sources
    assert set().union(*(imported_roots(path) for path in sources)) & OUTSIDE == set()


def test_stripe_weasyprint_and_barcode_are_imported_by_their_adapters_only():
    owners = {"stripe": {"stripe_payments.py"}, "weasyprint": {"documents.py"}, "barcode": {"documents.py"}}
    for path in SHOP.rglob("*.py"):
        for library, allowed in owners.items():
            if library in imported_roots(path):
                assert path.parent.name == "adapters" and path.name in allowed, f"{path} imports {library}"


def test_settings_are_read_from_the_config_once_as_plain_values():
    from shop.services.settings import Settings
    settings = Settings.from_config({"SHOP_ENV": "production", "SHOP_BASE_URL": "https://shop.example/",
                                     "STRIPE_CURRENCIES": "cny, usd", "PAYMENT_DEADLINE_MINUTES": "45"})
    assert (settings.base_url, settings.stripe_currencies, settings.payment_deadline_minutes) == (
        "https://shop.example", ("CNY", "USD"), 45)
    assert settings.stripe_wallets  # production against Stripe itself
    assert not Settings.from_config({"SHOP_ENV": "production", "STRIPE_API_BASE": "http://127.0.0.1:1"}).stripe_wallets
    assert Settings.from_config({"STRIPE_CURRENCIES": ["CNY"]}).stripe_currencies == ("CNY",)
