"""workshop.approvals.waiting and the dashboard's « Devis en attente de réponse du client »."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories as f
from workshop.approvals import links
from workshop.approvals.decisions import decide
from workshop.approvals.waiting import awaiting_answer
from workshop.models import ApprovalLink, LineDecision, Service

pytestmark = pytest.mark.django_db


def test_estimates_waiting_longest_first_and_answered_ones_leave(adviser):
    old, recent = f.estimate_awaiting_answer(items=1), f.estimate_awaiting_answer(items=1)
    Service.objects.filter(pk=old.pk).update(diagnosed_at=timezone.now() - timedelta(days=3))
    link = links.issue_link(service=recent)
    f.service_in_state(Service.Status.RECEIVED)  # no estimate yet
    assert [row["pk"] for row in awaiting_answer(user=adviser, limit=8)] == [old.pk, recent.pk]
    (line,) = recent.items.all()
    decide(service=recent, answers={line.pk: "approved"}, actor=LineDecision.Actor.CUSTOMER_LINK, link=link,
           signed_name="Amel")  # fmt: skip
    assert [row["pk"] for row in awaiting_answer(user=adviser, limit=8)] == [old.pk]
    # a line changed after approval is asked again: the job waits since the new link
    line.refresh_from_db()
    line.quantity = 3
    line.save()
    links.issue_link(service=recent)
    rows = awaiting_answer(user=adviser, limit=8)
    assert [row["pk"] for row in rows] == [old.pk, recent.pk]
    assert rows[1]["waiting_since"] == ApprovalLink.objects.filter(service=recent).latest("created_at").created_at


def test_the_dashboard_lists_them_with_how_long(login, adviser, django_assert_max_num_queries):
    for _ in range(3):
        f.estimate_awaiting_answer(items=1)
    Service.objects.update(diagnosed_at=timezone.now() - timedelta(days=2))
    client = login(adviser)
    client.get("/admin/")  # warm the cached figures
    with django_assert_max_num_queries(25):
        html = client.get("/admin/").content.decode()
    assert html.count("depuis 2") == 3 and 'id="awaiting-answer"' in html
