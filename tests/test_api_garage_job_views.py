"""/api/services/ (+ transitions) and /api/service-items/: each role reaches only its rows, mechanics never see
money, writes go through the model's rules with the acting user, transitions through the workflow."""

import threading

import pytest
from django.db import connection

from tests import factories as f
from tests.api_helpers import api_client, money_keys
from workshop.models import Service, ServiceItem

S = Service.Status
pytestmark = pytest.mark.django_db

SERVICES = "/api/services/"
ITEMS = "/api/service-items/"


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- who sees which jobs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("customer", 200),
        ("mechanic", 200),
        ("adviser", 200),
        ("accountant", 200),
        ("manager", 200),
        ("anonymous", 401),
    ],
)
def test_job_list_by_role(garage, role, expected):
    response = api_client(garage.users[role]).get(SERVICES)
    assert response.status_code == expected
    if expected != 200:
        return
    seen = ids(response)
    if role in ("customer", "mechanic"):
        assert seen == {garage.my_job.pk}
    else:
        assert seen == {garage.my_job.pk, garage.other_job.pk}


@pytest.mark.parametrize("role", ["customer", "mechanic"])
def test_another_customers_or_mechanics_job_is_not_found(garage, role):
    client = api_client(garage.users[role])
    assert client.get(f"{SERVICES}{garage.other_job.pk}/").status_code == 404
    assert client.get(f"{SERVICES}{garage.my_job.pk}/").status_code == 200
    response = client.patch(f"{SERVICES}{garage.other_job.pk}/", {"diagnosis": "x"}, format="json")
    assert response.status_code in (403, 404)  # a customer may not write at all; a mechanic finds no such job
    assert client.get(f"{ITEMS}{garage.other_item.pk}/").status_code == 404
    assert Service.objects.get(pk=garage.other_job.pk).diagnosis == ""


def test_a_job_carries_its_customer_and_car_ids(garage):
    row = api_client(garage.users["adviser"]).get(f"{SERVICES}{garage.my_job.pk}/").json()
    assert row["id"] == garage.my_job.pk
    assert row["customer"] == garage.my_customer.pk
    assert row["car"] == garage.my_car.pk
    assert row["car_detail"]["plate"] == garage.my_car.plate


def test_customer_reads_their_estimate_with_prices_and_the_state_changes(garage, manager):
    from workshop.workflows import transition_service

    transition_service(service=garage.my_job, name="diagnose", user=manager, expected_status=S.RECEIVED)
    data = api_client(garage.users["customer"]).get(f"{SERVICES}{garage.my_job.pk}/").json()
    assert data["total_ttc"] == "119.000"
    assert data["items"][0]["unit_price"] == "100.000"
    assert [change["status"] for change in data["status_history"]] == ["received", "diagnosed"]
    assert "mechanic" not in data and "timeline" not in data and "transitions" not in data


# --- mechanics: no money, anywhere ---------------------------------------------------------------------


def test_no_money_key_in_any_mechanic_answer(garage, mechanic):
    client = api_client(mechanic)
    job = garage.my_job
    answers = [
        client.get(SERVICES),
        client.get(f"{SERVICES}{job.pk}/"),
        client.patch(f"{SERVICES}{job.pk}/", {"diagnosis": "Plaquettes usées"}, format="json"),
        client.get(ITEMS),
        client.get(f"{ITEMS}{garage.my_item.pk}/"),
        client.post(ITEMS, {"service": job.pk, "part": f.PartFactory().pk, "quantity": "2"}, format="json"),
        client.patch(f"{ITEMS}{garage.my_item.pk}/", {"quantity": "3"}, format="json"),
        client.post(ITEMS, {"service": job.pk, "description": "Sans catalogue"}, format="json"),  # refused: 400
        client.post(f"{SERVICES}{job.pk}/transitions/diagnose/", {"expected_status": "received"}, format="json"),
        client.get("/api/cars/"),
        client.get(f"/api/cars/{garage.my_car.pk}/"),
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 200, 201, 200, 400, 200, 200, 200]
    for answer in answers:
        assert money_keys(answer.json()) == [], answer.json()


def test_mechanic_cannot_post_a_price(garage, mechanic):
    response = api_client(mechanic).patch(
        f"{ITEMS}{garage.my_item.pk}/", {"unit_price": "1.000", "quantity": "2"}, format="json"
    )
    assert response.status_code == 200
    item = ServiceItem.objects.get(pk=garage.my_item.pk)
    assert (item.unit_price, item.quantity) == (100, 2)


def test_mechanic_writes_the_diagnosis_and_nothing_else_of_the_job(garage, mechanic):
    response = api_client(mechanic).patch(
        f"{SERVICES}{garage.my_job.pk}/", {"diagnosis": "Disques à changer", "complaint": "autre"}, format="json"
    )
    assert response.status_code == 200
    job = Service.objects.get(pk=garage.my_job.pk)
    assert (job.diagnosis, job.complaint) == ("Disques à changer", "Vidange")
    record = job.history.first()
    assert record.history_user == mechanic


def test_mechanic_adds_a_catalogue_line_priced_by_the_model(garage, mechanic):
    part = f.PartFactory()
    response = api_client(mechanic).post(ITEMS, {"service": garage.my_job.pk, "part": part.pk}, format="json")
    assert response.status_code == 201, response.json()
    item = ServiceItem.objects.get(pk=response.json()["id"])
    assert item.unit_price == part.unit_price and item.description == part.name
    assert item.history.first().history_user == mechanic


def test_mechanic_cannot_add_a_line_to_another_mechanics_job(garage, mechanic):
    response = api_client(mechanic).post(
        ITEMS, {"service": garage.other_job.pk, "part": f.PartFactory().pk}, format="json"
    )
    assert response.status_code == 400
    assert not ServiceItem.objects.filter(service=garage.other_job).exclude(pk=garage.other_item.pk).exists()


# --- staff writes --------------------------------------------------------------------------------------


def test_adviser_creates_a_job_for_the_cars_owner(garage, adviser):
    response = api_client(adviser).post(
        SERVICES,
        {"car": garage.my_car.pk, "complaint": "Bruit au freinage", "mechanic": garage.users["mechanic"].pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    job = Service.objects.get(pk=response.json()["id"])
    assert job.customer == garage.my_customer and job.reference.startswith("OR-")
    assert job.history.first().history_user == adviser


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "car"),
        ({"car": 999999}, "car"),
        ({"car": "abc"}, "car"),
        ({"car": 0, "promised_at": "not a date"}, "promised_at"),
        ({"car": None}, "car"),
    ],
)
def test_bad_job_input_is_a_400_naming_the_field(garage, adviser, payload, field):
    response = api_client(adviser).post(SERVICES, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_promised_before_received_is_refused_by_the_models_rule(garage, adviser):
    response = api_client(adviser).post(
        SERVICES,
        {
            "car": garage.my_car.pk,
            "received_at": "2026-01-10T10:00:00+01:00",
            "promised_at": "2026-01-09T10:00:00+01:00",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "promised_at" in response.json()


@pytest.mark.parametrize("role", ["mechanic", "accountant", "customer"])
def test_only_who_may_add_jobs_creates_one(garage, role):
    response = api_client(garage.users[role]).post(SERVICES, {"car": garage.my_car.pk}, format="json")
    assert response.status_code == 403


def test_accountant_reads_but_does_not_write_lines(garage, accountant):
    client = api_client(accountant)
    assert client.get(f"{ITEMS}{garage.my_item.pk}/").json()["total_ttc"] == "119.000"
    assert client.patch(f"{ITEMS}{garage.my_item.pk}/", {"quantity": "5"}, format="json").status_code == 403
    assert client.delete(f"{ITEMS}{garage.my_item.pk}/").status_code == 403


def test_lines_of_an_invoiced_job_are_frozen_409(adviser):
    job = f.service_in_state(S.INVOICED)
    item = job.items.get()
    client = api_client(adviser)
    response = client.patch(f"{ITEMS}{item.pk}/", {"quantity": "5"}, format="json")
    assert response.status_code == 409
    assert "figées" in response.json()["detail"]
    assert client.delete(f"{ITEMS}{item.pk}/").status_code == 409
    assert (
        client.post(ITEMS, {"service": job.pk, "description": "x", "unit_price": "1"}, format="json").status_code == 409
    )


def test_adviser_deletes_a_line_as_himself(garage, adviser):
    assert api_client(adviser).delete(f"{ITEMS}{garage.my_item.pk}/").status_code == 204
    record = ServiceItem.history.filter(id=garage.my_item.pk, history_type="-").get()
    assert record.history_user == adviser


# --- transitions ---------------------------------------------------------------------------------------


def fire(client, job, name, expected, **extra):
    return client.post(f"{SERVICES}{job.pk}/transitions/{name}/", {"expected_status": expected, **extra}, format="json")


def test_mechanic_starts_his_job_through_the_workflow(mechanic):
    job = f.service_in_state(S.APPROVED, mechanic=mechanic)
    response = fire(api_client(mechanic), job, "start", "approved")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "in_progress"
    job.refresh_from_db()
    assert job.status == S.IN_PROGRESS and job.started_at is not None
    record = job.history.first()
    assert record.history_user == mechanic and record.history_change_reason == "Commencer les travaux"


REFUSALS = {
    # (role, state, transition) -> status, and a word of the message in each language
    "condition": ("adviser", S.APPROVED, "start", 400),  # no mechanic assigned
    "forbidden": ("mechanic", S.DIAGNOSED, "approve", 403),
    "stale": ("adviser", S.IN_PROGRESS, "complete", 409),  # the caller saw `approved`
}
MESSAGES = {
    "condition": {"fr": "mécanicien", "ar": "ميكانيكي", "en": "mechanic"},
    "forbidden": {"fr": "rôle", "ar": "دورك", "en": "role"},
    "stale": {"fr": "entre-temps", "ar": "في الأثناء", "en": "meanwhile"},
}


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
@pytest.mark.parametrize("refusal", list(REFUSALS))
def test_refused_transitions_answer_400_403_409_in_the_callers_language(refusal, language, request):
    role, state, name, code = REFUSALS[refusal]
    user = request.getfixturevalue(role)
    job = f.service_in_state(state, mechanic=user if role == "mechanic" else None)
    expected = "approved" if refusal == "stale" else state
    response = fire(api_client(user, language=language), job, name, expected)
    assert response.status_code == code, response.json()
    assert response.json()["code"] == refusal
    assert MESSAGES[refusal][language] in response.json()["detail"]
    assert Service.objects.get(pk=job.pk).status == state


def test_without_accept_language_messages_are_french(adviser):
    job = f.service_in_state(S.APPROVED)
    assert "Affectez un mécanicien" in fire(api_client(adviser), job, "start", "approved").json()["detail"]


@pytest.mark.parametrize(
    ("role", "code"), [("customer", 403), ("anonymous", 401), ("accountant", 403), ("other_mechanic", 404)]
)
def test_who_may_not_fire_a_transition(garage, role, code):
    user = garage.other_mechanic if role == "other_mechanic" else garage.users[role]
    response = fire(api_client(user), garage.my_job, "diagnose", "received")
    assert response.status_code == code
    assert Service.objects.get(pk=garage.my_job.pk).status == S.RECEIVED


def test_unknown_transition_is_404_and_missing_expected_status_is_400(garage, adviser):
    client = api_client(adviser)
    assert client.post(f"{SERVICES}{garage.my_job.pk}/transitions/invoice/", {}, format="json").status_code == 404
    response = client.post(f"{SERVICES}{garage.my_job.pk}/transitions/diagnose/", {}, format="json")
    assert response.status_code == 400 and "expected_status" in response.json()


def test_cancel_needs_a_reason(garage, adviser):
    client = api_client(adviser)
    assert fire(client, garage.my_job, "cancel", "received").status_code == 400
    response = fire(client, garage.my_job, "cancel", "received", reason="Client injoignable")
    assert response.status_code == 200
    assert Service.objects.get(pk=garage.my_job.pk).cancellation_reason == "Client injoignable"


@pytest.mark.concurrency
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_two_clients_firing_the_same_transition_one_wins_one_gets_409():
    from workshop.roles import MANAGER, sync_roles

    sync_roles()
    manager = f.UserFactory(username="gerant-api", role=MANAGER)
    job = f.service_in_state(S.APPROVED, mechanic=manager)
    barrier = threading.Barrier(2)
    codes = []

    def start():
        try:
            barrier.wait()
            codes.append(fire(api_client(manager), job, "start", "approved").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200, 409]
    assert Service.objects.get(pk=job.pk).status == S.IN_PROGRESS
    assert Service.history.filter(id=job.pk, status=S.IN_PROGRESS).count() == 1


# --- constant queries -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["customer", "mechanic", "adviser", "accountant", "manager"])
@pytest.mark.parametrize("url", [SERVICES, ITEMS])
def test_lists_cost_the_same_queries_for_1_or_50_rows(garage, role, url, django_assert_max_num_queries):
    user = garage.users[role]
    for _ in range(50):
        f.ServiceItemFactory(service=f.ServiceFactory(car=garage.my_car, mechanic=garage.users["mechanic"]))
    counts = []
    for size in (1, 50):
        client = api_client(user)
        with django_assert_max_num_queries(50) as captured:
            response = client.get(url, {"page_size": size})
        assert response.status_code == 200 and len(response.json()["results"]) == size
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("role", ["customer", "mechanic", "adviser", "manager"])
def test_job_detail_costs_the_same_queries_for_1_or_30_lines(garage, role, django_assert_max_num_queries):
    user = garage.users[role]
    counts = []
    for extra in (0, 29):
        f.ServiceItemFactory.create_batch(extra, service=garage.my_job)
        client = api_client(user)
        with django_assert_max_num_queries(40) as captured:
            response = client.get(f"{SERVICES}{garage.my_job.pk}/")
        assert response.status_code == 200 and len(response.json()["items"]) == 1 + extra
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("role", ["customer", "mechanic", "adviser"])
def test_a_line_shows_the_customers_answer_which_only_the_approval_can_give(garage, role):
    client = api_client(garage.users[role])
    line = client.get(f"{ITEMS}{garage.my_item.pk}/")
    assert line.status_code == 200
    assert line.json()["decision"] == ServiceItem.Decision.PROPOSED
    assert "recommended" in line.json()
    if role != "customer":
        client.patch(f"{ITEMS}{garage.my_item.pk}/", {"decision": "approved"}, format="json")
    assert ServiceItem.objects.get(pk=garage.my_item.pk).decision == ServiceItem.Decision.PROPOSED
