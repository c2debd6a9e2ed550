"""Every /api/ route, read from the URL resolver, refuses an anonymous caller (401) unless it is on the short
allow-list of the login flow and the schema readers: a new endpoint cannot be public by accident."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.api_helpers import api_client

PUBLIC = {
    "api:token",  # log in
    "api:token-refresh",  # a refresh token is the credential
    "api:logout",  # a refresh token is the credential
    "api:register",  # a customer creates an account
    "api:register-verify",
    "api:schema",  # the OpenAPI description and its readers
    "api:docs",
    "api:redoc",
}
PARAMETER = re.compile(r"\(\?P<(\w+)>[^)]*\)|<(?:\w+:)?(\w+)>")
SAMPLES = {"name": "start"}


def api_routes(patterns=None, prefix="", namespace=""):
    """(route name, concrete path) of every URL under /api/, walked from the root resolver."""
    routes = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern).lstrip("^").rstrip("$").replace("\\", "")
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            routes += api_routes(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern) and route.startswith("api/"):
            path = PARAMETER.sub(lambda m: SAMPLES.get(m.group(1) or m.group(2), "1"), route)
            routes.append((f"{namespace}{entry.name}", "/" + path))
    return routes


def test_the_walk_finds_the_api():
    names = {name for name, _path in api_routes()}
    assert {"api:service-list", "api:service-transition", "api:customer-detail", "api:schema"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), [r for r in api_routes() if r[0] not in PUBLIC])
@pytest.mark.parametrize("method", ["get", "post", "patch", "delete"])
def test_every_api_route_needs_authentication(name, path, method):
    response = getattr(api_client(), method)(path, {}, format="json")
    assert response.status_code == 401, f"{name} {path} answered {response.status_code} to an anonymous {method}"


@pytest.mark.django_db
def test_an_address_no_route_matches_answers_json_under_api(client):
    response = client.get("/api/no-such-resource/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()
    assert client.get("/admin/no-such-page/").get("Content-Type", "").startswith("text/html")
