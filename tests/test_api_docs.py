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
