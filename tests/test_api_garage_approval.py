"""workshop.api.garage.approval: `/api/services/<id>/approval/` for the customer app (and the adviser's phone)."""

import pytest
from django.utils import timezone

from tests import factories as f
from tests.api_helpers import api_client
from workshop.models import LineDecision, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def estimates(garage):
    for job in (garage.my_job, garage.other_job):
        Service.objects.filter(pk=job.pk).update(status=Service.Status.DIAGNOSED, diagnosed_at=timezone.now())
        f.ServiceItemFactory(service=job, recommended=True)
    return garage


def route(job):
    return f"/api/services/{job.pk}/approval/"


def test_the_customer_reads_their_estimate_with_answers_and_totals(estimates):
    response = api_client(estimates.users["customer"]).get(route(estimates.my_job))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "diagnosed" and len(body["lines"]) == 2
    assert {line["decision"] for line in body["lines"]} == {"proposed"}
    assert [line["recommended"] for line in body["lines"]] == [False, True]
    assert body["net_to_pay"] == "239.000"  # 2 × 119 TTC and the stamp


def test_another_customers_job_is_404_for_reading_and_answering(estimates):
    client = api_client(estimates.users["customer"])
    other_line = estimates.other_job.items.first()
    assert client.get(route(estimates.other_job)).status_code == 404
    answer = {"answers": [{"line": other_line.pk, "decision": "approved", "terms": other_line.terms()}]}
    assert client.post(route(estimates.other_job), answer, format="json").status_code == 404
    assert not LineDecision.objects.exists()


def test_the_customer_answers_the_required_line_and_the_job_is_accepted_as_them(estimates):
    required = estimates.my_job.items.order_by("id").first()
    answer = {"answers": [{"line": required.pk, "decision": "approved", "terms": required.terms()}]}
    response = api_client(estimates.users["customer"]).post(route(estimates.my_job), answer, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "approved"
    job = Service.objects.get(pk=estimates.my_job.pk)
    assert job.history.latest("history_date").history_user == estimates.users["customer"]
    assert LineDecision.objects.get().actor == LineDecision.Actor.CUSTOMER_APP


def test_a_line_of_another_job_or_a_changed_price_is_a_400(estimates):
    client = api_client(estimates.users["customer"])
    other_line, mine = estimates.other_job.items.first(), estimates.my_job.items.first()
    foreign = {"answers": [{"line": other_line.pk, "decision": "approved", "terms": other_line.terms()}]}
    assert client.post(route(estimates.my_job), foreign, format="json").status_code == 400
    stale = {"answers": [{"line": mine.pk, "decision": "approved", "terms": "0" * 64}]}
    response = client.post(route(estimates.my_job), stale, format="json")
    assert response.status_code == 400 and "a changé" in str(response.json())
    assert not LineDecision.objects.exists()


def test_the_adviser_records_a_phone_answer_and_the_mechanic_sees_no_estimate(estimates):
    line = estimates.my_job.items.first()
    assert api_client(estimates.users["mechanic"]).get(route(estimates.my_job)).status_code == 403
    answer = {"answers": [{"line": line.pk, "decision": "declined", "terms": line.terms()}]}
    response = api_client(estimates.users["adviser"]).post(route(estimates.my_job), answer, format="json")
    assert response.status_code == 200
    assert LineDecision.objects.get().actor == LineDecision.Actor.ADVISER_PHONE
    assert api_client().get(route(estimates.my_job)).status_code == 401
