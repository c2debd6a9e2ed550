"""workshop.api.schema: the OpenAPI schema is built once per process and language, even under parallel requests."""

import threading
from unittest import mock

import pytest
from drf_spectacular.generators import SchemaGenerator

from workshop.api.schema import SchemaView


@pytest.fixture
def fresh_schema():
    SchemaView._built.clear()
    real = SchemaGenerator.get_schema
    with mock.patch.object(SchemaGenerator, "get_schema", autospec=True, side_effect=real) as build:
        yield build
    SchemaView._built.clear()


def test_the_schema_is_built_once_per_language(client, db, fresh_schema):
    first = client.get("/api/schema/", {"format": "json"})
    again = client.get("/api/schema/", {"format": "json"})
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert fresh_schema.call_count == 1
    english = client.get("/api/schema/", {"format": "json", "lang": "en"})
    assert english.status_code == 200 and fresh_schema.call_count == 2
    assert english.json()["paths"].keys() == first.json()["paths"].keys()
    assert english.json() != first.json()  # descriptions follow the language


def test_parallel_requests_share_one_build_and_all_succeed(live_server, fresh_schema):
    import requests

    answers = []

    def fetch():
        answers.append(requests.get(f"{live_server.url}/api/schema/?format=json", timeout=60).status_code)

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * 4
    assert fresh_schema.call_count == 1
