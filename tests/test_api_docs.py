"""The OpenAPI schema and its readers answer without the network: the sidecar serves Swagger UI and ReDoc."""

import pytest


@pytest.mark.django_db
def test_schema_is_openapi_3_json(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_readers_load_their_scripts_from_this_server(client, path):
    html = client.get(path).content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html


# --- apidocs: a schema a client can be generated from, and the Authorize button ----------------------

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def schema(client, db):
    return client.get("/api/schema/", {"format": "json"}).json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def test_the_schema_validates_without_warnings(db):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_authorize_button_takes_a_jwt_bearer_token(schema, client, db):
    assert schema["components"]["securitySchemes"]["jwtAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    html = client.get("/api/docs/").content.decode()
    assert '"persistAuthorization": true' in html  # the token typed in « Authorize » survives a reload


def test_the_token_swagger_sends_is_the_one_the_api_accepts(client, db):
    from tests.factories import UserFactory, bearer
    from workshop import roles

    manager = UserFactory(role=roles.MANAGER)
    refused = client.get("/api/invoices/")
    assert refused.status_code == 401 and refused["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/invoices/", **bearer(manager)).status_code == 200


def test_every_operation_says_what_it_answers_and_how_it_fails(schema):
    for path, method, operation in operations(schema):
        where = f"{method.upper()} {path}"
        assert operation.get("summary") or operation.get("description"), where
        codes = set(operation["responses"])
        assert any(code.startswith("2") for code in codes), where
        assert any(code.startswith("4") for code in codes), f"{where}: no error described"
        if {"jwtAuth": []} in operation.get("security", []) and {} not in operation.get("security", []):
            assert {"401", "403"} <= codes, f"{where}: 401/403 not described"
        queried = any(p["in"] == "query" for p in operation.get("parameters", []))
        if queried and method == "get" and path.rstrip("/").rsplit("/", 1)[-1] not in ("pdf", "dashboard"):
            assert "400" in codes, f"{where}: takes query parameters but no 400 described"
        for code, response in operation["responses"].items():
            if not code.startswith("2"):
                assert response.get("description"), f"{where} {code}: say when this error happens"


def _properties(schema):
    for name, component in schema["components"]["schemas"].items():
        for prop, spec in component.get("properties", {}).items():
            yield name, prop, spec


def test_money_is_a_string_with_three_decimals(schema):
    decimals = [
        (name, prop, spec)
        for name, prop, spec in _properties(schema)
        if spec.get("format") == "decimal" and "percent" not in prop  # a discount % has 2 decimals
    ]
    assert decimals
    for name, prop, spec in decimals:
        assert spec["type"] == "string", f"{name}.{prop}"
        assert spec["pattern"].endswith(r"(?:\.\d{0,3})?$"), f"{name}.{prop}: {spec['pattern']}"
    money = {"net_to_pay", "total_ttc", "amount", "balance_due", "outstanding", "receivables_due"}
    for name, prop, spec in _properties(schema):
        if prop in money:
            assert spec.get("format") == "decimal", f"{name}.{prop} is not a decimal string"
