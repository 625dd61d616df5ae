"""The shop's command line."""
import sqlalchemy as sa

from shop.extensions import db
from shop.models import User


def test_create_user_prints_a_generated_password(app, runner):
    result = runner.invoke(args=["shop", "create-user", "Staff@Example.com", "--role", "staff", "--generate"])
    assert result.exit_code == 0, result.output
    assert "Password:" in result.output
    password = result.output.split("Password:")[1].split()[0]
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "staff@example.com"))
        assert user.role == "staff" and user.check_password(password)


def test_a_merchant_account_needs_an_existing_merchant(app, runner):
    result = runner.invoke(args=["shop", "create-user", "m@example.com", "--role", "merchant", "--generate"])
    assert result.exit_code != 0 and "--merchant" in result.output
    result = runner.invoke(args=["shop", "create-user", "m@example.com", "--role", "merchant",
                                 "--merchant", "nobody", "--generate"])
    assert result.exit_code != 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    import pytest

    from config import ProductionConfig
    from shop import create_app
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_a_malformed_database_url_stops_with_one_line(monkeypatch):
    import pytest

    from shop import create_app
    with pytest.raises(SystemExit, match="DATABASE_URL"):
        create_app({"SQLALCHEMY_DATABASE_URI": "not a url at all", "TESTING": True})


def test_an_unreachable_database_is_named_in_one_line():
    from config import TestingConfig
    from shop import create_app
    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    result = app.test_cli_runner().invoke(args=["shop", "check-db"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "DATABASE_URL" in lines[0] and "Traceback" not in result.output


def test_reindex_search_rebuilds_every_products_documents(demo):
    from shop.models import Product, SearchDocument
    runner = demo.test_cli_runner()
    with demo.app_context():
        db.session.execute(sa.delete(SearchDocument))
        db.session.commit()
        products = db.session.scalar(sa.select(sa.func.count(Product.id)))
    result = runner.invoke(args=["shop", "reindex-search"])
    assert result.exit_code == 0, result.output
    assert f"{products} products" in result.output
    client = demo.test_client()
    assert client.get("/api/v1/products?q=lieba").get_json()["total"] >= 2


def test_demo_accounts_show_a_password_only_while_it_is_unchanged(demo, runner):
    import sqlalchemy as sa

    from shop.extensions import db
    from shop.models import User
    listed = runner.invoke(args=["shop", "demo-accounts"]).output
    assert "admin@shop.example" in listed and "demo-admin-2026" in listed
    with demo.app_context():
        admin = db.session.scalar(sa.select(User).where(User.email == "admin@shop.example"))
        admin.set_password("a-new-secret-of-the-admin")
        db.session.commit()
    listed = runner.invoke(args=["shop", "demo-accounts"]).output
    admin_line = next(line for line in listed.splitlines() if "admin@shop.example" in line)
    assert "demo-admin-2026" not in admin_line and "(changed)" in admin_line
    assert "demo-staff-2026" in listed  # the others are still as the demo made them


def test_create_discount_makes_a_code_as_the_admin_page_does(app, runner):
    from shop.services import discounts
    result = runner.invoke(args=["shop", "create-discount", "summer15", "--kind", "percent", "--value", "15",
                                 "--max-uses", "50", "--per-buyer", "1", "--min-subtotal", "200",
                                 "--until", "2027-08-31"])
    assert result.exit_code == 0, result.output
    assert "SUMMER15" in result.output
    with app.app_context():
        code = discounts.find("Summer15")
        assert (code.kind, code.max_uses, code.per_buyer, str(code.min_subtotal_cny)) == ("percent", 50, 1, "200.00")
        assert discounts.form_values(code)["valid_until"] == "2027-08-31"
    again = runner.invoke(args=["shop", "create-discount", "SUMMER15", "--kind", "percent", "--value", "150"])
    assert again.exit_code != 0 and "--code" in again.output and "--value" in again.output
