"""workshop.admin.approvals: on the job page the adviser sees each line's answer and its evidence, resends the
link, records an answer given by phone; a mechanic sees the answers (no buttons)."""

import pytest
from django.urls import reverse

from tests import factories as f
from workshop.approvals import links
from workshop.approvals.decisions import decide
from workshop.models import ApprovalLink, LineDecision, Notification, Service

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def change_url(obj):
    return reverse("admin:workshop_service_change", args=[obj.pk])


def action_url(obj, path):
    return f"{change_url(obj).removesuffix('change/')}{path}/"


@pytest.fixture
def answered():
    service = f.estimate_awaiting_answer(items=2)
    first, second = service.items.order_by("id")
    link = links.issue_link(service=service)
    decide(
        service=service,
        answers={first.pk: "approved", second.pk: "declined"},
        actor=LineDecision.Actor.CUSTOMER_LINK,
        link=link,
        signed_name="Sami Trabelsi",
        ip_address="197.2.3.4",
        user_agent="Mozilla/5.0 (Android 14)",
    )
    return service


def test_the_job_page_shows_each_answer_and_its_evidence(login, adviser, answered):
    html = login(adviser).get(change_url(answered)).content.decode()
    assert "Travaux refusés" in html and "Refusé — travaux refusés" in html
    assert "Sami Trabelsi" in html and "197.2.3.4" in html and "Android 14" in html
    assert "Client, par le lien envoyé" in html


def test_the_adviser_resends_the_link_and_the_old_one_stops(login, adviser):
    service = f.estimate_awaiting_answer(items=1)
    old = links.issue_link(service=service)
    client = login(adviser)
    assert action_url(service, "resend-approval-link") in client.get(change_url(service)).content.decode()
    response = client.post(
        action_url(service, "resend-approval-link"), {"_form_submitted": "1", "expected_status": "diagnosed"}, **HTMX
    )
    assert response.status_code == 200
    old.refresh_from_db()
    assert old.revoked_at is not None
    new = ApprovalLink.objects.filter(service=service).latest("created_at")
    assert new.created_by == adviser and new.is_live
    note = Notification.objects.get(service=service, event=Notification.Event.ESTIMATE_READY)
    assert links.url_for(new) in note.message


def test_the_adviser_records_a_phone_answer(login, adviser):
    service = f.estimate_awaiting_answer(items=2)
    first, second = service.items.order_by("id")
    data = {"_form_submitted": "1", "expected_status": "diagnosed", f"line_{first.pk}": "approved",
            f"line_{second.pk}": "declined"}  # fmt: skip
    response = login(adviser).post(action_url(service, "record-phone-decision"), data, **HTMX)
    assert response.status_code == 200
    service.refresh_from_db()
    assert service.status == Service.Status.APPROVED
    assert {(d.actor, d.user) for d in LineDecision.objects.all()} == {(LineDecision.Actor.ADVISER_PHONE, adviser)}


def test_a_mechanic_sees_the_answers_but_not_the_buttons(login, mechanic, answered):
    Service.objects.filter(pk=answered.pk).update(mechanic=mechanic)
    html = login(mechanic).get(change_url(answered)).content.decode()
    assert "Refusé — travaux refusés" in html
    assert "record-phone-decision" not in html and "resend-approval-link" not in html
    response = login(mechanic).post(action_url(answered, "record-phone-decision"), {"_form_submitted": "1"}, **HTMX)
    assert response.status_code == 403


def test_a_job_the_customer_answered_cannot_be_deleted_even_by_a_superuser(login, superuser, answered):
    client = login(superuser)
    delete = reverse("admin:workshop_service_delete", args=[answered.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Service.objects.filter(pk=answered.pk).exists()
    assert LineDecision.objects.filter(service=answered).count() == 2
