"""Schemathesis over /api/v1/openapi.json against the WSGI app with the demo data and a merchant
token: a bounded number of generated requests per operation, no 5xx, and every answer (status,
content type, body) as the OpenAPI document says."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shop import create_app
from shop.extensions import db
from tests.conftest import _base_config, _migrate

pytestmark = pytest.mark.slow
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def shop_with_demo(tmp_path_factory):
    from shop.models import User
    from shop.services import merchant as merchant_service
    from shop.services.demo import load_demo
    url = f"sqlite:///{tmp_path_factory.mktemp('schema') / 'shop.db'}"
    _migrate(url)
    app = create_app({**_base_config(), "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        load_demo()
        user = db.session.query(User).filter(User.role == "merchant", User.merchant_id.isnot(None)).first()
        assert user is not None, "the demo has a merchant login"
        _token, secret = merchant_service.create_token(user, "schemathesis")
        db.session.remove()
    yield app, secret
    with app.app_context():
        db.engine.dispose()


def _operations(app) -> list:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_the_api_answers_as_its_openapi_document_says(shop_with_demo):
    """Every operation in turn (schemathesis' pytest plugin does not load under pytest 9)."""
    app, token = shop_with_demo
    operations = _operations(app)
    assert len(operations) >= 7
    failures = []
    statuses: dict[str, list[int]] = {}
    for operation in operations:
        seen = statuses.setdefault(f"{operation.method.upper()} {operation.path}", [])

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def run(case) -> None:
            response = case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
            seen.append(response.status_code)  # noqa: B023  (run() is called within this iteration)

        try:
            run()
        except Exception as error:  # noqa: BLE001  collected: one report for every operation
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert failures == [], "\n\n".join(failures)
    print({name: sorted(set(codes)) for name, codes in statuses.items()})
    assert all(len(codes) >= 5 for codes in statuses.values()), statuses
    assert any(200 <= code < 300 for code in statuses["GET /products"])


def test_the_merchant_writes_have_request_body_schemas(shop_with_demo):
    app, _secret = shop_with_demo
    paths = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    for path, method in (("/merchant/products/{sku}", "put"), ("/merchant/lots", "post")):
        body = paths[path][method]["requestBody"]["content"]["application/json"]["schema"]
        assert body["type"] == "object" and body["properties"]
