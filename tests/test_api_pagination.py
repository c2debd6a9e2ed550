"""Keyset pages: every row once whatever is inserted meanwhile, back and forth, sorted only as whitelisted."""

import base64
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories as f
from tests.api_helpers import api_client
from workshop.models import Service

pytestmark = pytest.mark.django_db
SERVICES = "/api/services/"


def walk(client, url, params=None, *, during=None):
    """Follow `next` to the end; `during(page_number)` may write between pages. Returns the ids in order."""
    seen, response, page = [], client.get(url, params or {}), 0
    while True:
        assert response.status_code == 200, response.json()
        body = response.json()
        seen += [row["id"] for row in body["results"]]
        if during:
            during(page)
        if not body["next"]:
            return seen
        page += 1
        response = client.get(body["next"])


@pytest.fixture
def jobs(adviser):
    now = timezone.now()
    same_moment = now - timedelta(hours=1)
    made = [f.ServiceFactory(received_at=now - timedelta(minutes=i)) for i in range(7)]
    made += [f.ServiceFactory(received_at=same_moment) for _ in range(5)]  # ties: the id breaks them
    return made


def test_walk_gives_every_row_once_in_order(adviser, jobs):
    seen = walk(api_client(adviser), SERVICES, {"page_size": 3})
    expected = list(Service.objects.order_by("-received_at", "-pk").values_list("pk", flat=True))
    assert seen == expected


def test_rows_inserted_while_walking_neither_repeat_nor_push_rows_out(adviser, jobs):
    before = set(Service.objects.values_list("pk", flat=True))

    def insert(page):
        f.ServiceFactory(received_at=timezone.now())  # lands on the first page, already read
        f.ServiceFactory(received_at=jobs[-1].received_at)  # ties with rows still to come

    seen = walk(api_client(adviser), SERVICES, {"page_size": 4}, during=insert)
    assert len(seen) == len(set(seen))
    assert before <= set(seen)


def test_previous_leads_back_to_the_same_page(adviser, jobs):
    client = api_client(adviser)
    first = client.get(SERVICES, {"page_size": 4}).json()
    second = client.get(first["next"]).json()
    assert first["previous"] is None
    back = client.get(second["previous"]).json()
    assert [r["id"] for r in back["results"]] == [r["id"] for r in first["results"]]
    third = client.get(second["next"]).json()
    back = client.get(third["previous"]).json()
    assert [r["id"] for r in back["results"]] == [r["id"] for r in second["results"]]


@pytest.mark.parametrize("ordering", ["reference", "-reference", "id", "-id", "received_at"])
def test_whitelisted_orderings_walk_in_order(adviser, jobs, ordering):
    seen = walk(api_client(adviser), SERVICES, {"page_size": 5, "ordering": ordering})
    expected = list(
        Service.objects.order_by(ordering, "-pk" if ordering.startswith("-") else "pk").values_list("pk", flat=True)
    )
    assert seen == expected


def cursor(values, ordering="-received_at"):
    payload = json.dumps({"o": ordering, "v": values, "r": 0})
    return base64.urlsafe_b64encode(payload.encode()).decode()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"ordering": "total_ttc"}, "ordering"),
        ({"ordering": "customer__last_name"}, "ordering"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "201"}, "page_size"),
        ({"page_size": "abc"}, "page_size"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "eyJvIjoiLXJlY2VpdmVkX2F0IiwidiI6WyJ4IiwiMSJdLCJyIjowfQ=="}, "cursor"),  # a value that is no date
        ({"cursor": cursor(["0001-01-01T00:00:00", "1"])}, "cursor"),  # naive, at the calendar's edge
        ({"cursor": cursor(["0001-01-01T00:00:00+00:00", "1"])}, "cursor"),
        ({"cursor": cursor(["2026-01-01T00:00:00+00:00", "99999999999999999999999"])}, "cursor"),
    ],
)
def test_bad_paging_is_a_400_naming_the_parameter(adviser, jobs, params, field):
    response = api_client(adviser).get(SERVICES, params)
    assert response.status_code == 400
    assert field in response.json()


def test_a_cursor_from_another_ordering_is_refused(adviser, jobs):
    client = api_client(adviser)
    following = client.get(SERVICES, {"page_size": 2})
    cursor = following.json()["next"].split("cursor=")[1].split("&")[0]
    response = client.get(SERVICES, {"cursor": cursor, "ordering": "reference"})
    assert response.status_code == 400 and "cursor" in response.json()


def test_the_default_page_is_50(adviser):
    f.ServiceFactory.create_batch(51)
    body = api_client(adviser).get(SERVICES).json()
    assert len(body["results"]) == 50 and body["next"]
