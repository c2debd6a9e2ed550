"""workshop.approvals.links: signed, expiring, single-use links that cannot be forged or pointed elsewhere."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.utils import timezone

from tests import factories as f
from workshop.approvals import links
from workshop.models import ApprovalLink, Notification

pytestmark = pytest.mark.django_db


def test_a_link_opens_its_own_estimate_and_names_no_database_id_in_clear(settings):
    settings.ECAR_PUBLIC_URL = "https://garage.example.tn"
    service = f.estimate_awaiting_answer()
    link = links.issue_link(service=service)
    url = links.url_for(link)
    assert url.startswith("https://garage.example.tn/devis/")
    assert link.nonce not in url  # the nonce travels signed and compressed, never readable
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert links.open_link(token).pk == link.pk
    assert link.expires_at - link.created_at == timedelta(days=settings.ECAR_APPROVAL_LINK_DAYS)


def test_a_link_has_one_token_whenever_it_is_asked_for():
    link = links.issue_link(service=f.estimate_awaiting_answer())
    first = links.token_for(link)
    with mock.patch("django.core.signing.time.time", return_value=time.time() + 3600):
        assert links.token_for(link) == first  # the URL sent by SMS is the one the admin shows an hour later
    assert links.open_link(first).pk == link.pk


def test_a_token_for_another_jobs_id_or_altered_is_refused():
    service, other = f.estimate_awaiting_answer(), f.estimate_awaiting_answer()
    link = links.issue_link(service=service)
    other_link = links.issue_link(service=other)
    # the right nonce with another job's id, signed by someone without the key: the signature breaks
    forged = signing.dumps({"s": other.pk, "n": link.nonce}, salt=links.SALT, key="not-the-secret-key")
    # signed with the key but mixing one job's id with another link's nonce: no such link
    mixed = signing.dumps({"s": other.pk, "n": link.nonce}, salt=links.SALT)
    token = links.token_for(link)
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    for bad in (forged, mixed, tampered, "garbage", signing.dumps({"s": service.pk, "n": link.nonce})):
        with pytest.raises(links.LinkRefused) as refused:
            links.open_link(bad)
        assert refused.value.reason == "invalid"
    assert links.open_link(links.token_for(other_link)).service_id == other.pk


def test_a_link_expires_after_the_setting_days(settings):
    settings.ECAR_APPROVAL_LINK_DAYS = 3
    service = f.estimate_awaiting_answer()
    link = links.issue_link(service=service)
    token = links.token_for(link)
    assert links.open_link(token).pk == link.pk
    later = time.time() + 3 * 86400 + 60
    with mock.patch("django.core.signing.time.time", return_value=later), pytest.raises(links.LinkRefused) as refused:
        links.open_link(token)  # the signature's own age
    assert refused.value.reason == "expired" and refused.value.link.pk == link.pk
    past = timezone.now() - timedelta(days=1)
    ApprovalLink.objects.filter(pk=link.pk).update(created_at=past - timedelta(days=3), expires_at=past)
    with pytest.raises(links.LinkRefused) as refused:
        links.open_link(token)  # the row's expiry
    assert refused.value.reason == "expired"


def test_a_newer_link_replaces_the_older_and_a_used_link_says_so():
    service = f.estimate_awaiting_answer()
    first = links.issue_link(service=service)
    second = links.issue_link(service=service)
    with pytest.raises(links.LinkRefused) as refused:
        links.open_link(links.token_for(first))
    assert refused.value.reason == "used"
    ApprovalLink.objects.filter(pk=second.pk).update(used_at=timezone.now())
    with pytest.raises(links.LinkRefused) as refused:
        links.open_link(links.token_for(second))
    assert refused.value.reason == "used"


def test_estimate_ready_message_carries_a_live_link(settings):
    settings.ECAR_PUBLIC_URL = "https://garage.example.tn"
    service = f.estimate_awaiting_answer()
    note = links.send_link(service=service, user=f.UserFactory())
    link = ApprovalLink.objects.get(service=service)
    assert note.event == Notification.Event.ESTIMATE_READY
    assert links.url_for(link) in note.message
    assert link.created_by is not None


def test_a_changed_line_of_an_approved_job_sends_one_new_link(django_capture_on_commit_callbacks):
    service = f.estimate_awaiting_answer(items=2)
    from workshop import workflows

    workflows.transition_service(service=service, name="approve", user=f.UserFactory(is_superuser=True))
    first, second = service.items.order_by("id")
    with django_capture_on_commit_callbacks(execute=True):
        first.unit_price = first.unit_price + 10
        first.save()
        second.quantity = 2
        second.save()
    assert ApprovalLink.objects.filter(service=service).count() == 1
    assert Notification.objects.filter(service=service, event=Notification.Event.ESTIMATE_READY).count() == 1
    assert set(service.items.values_list("decision", flat=True)) == {"proposed"}


def test_a_garage_template_without_the_link_still_sends_it():
    from workshop.models import NotificationTemplate

    NotificationTemplate.objects.update_or_create(
        event="estimate_ready", language="fr", defaults={"text": "Devis {reference} prêt : {total}."}
    )
    service = f.estimate_awaiting_answer()
    note = links.send_link(service=service)
    link = ApprovalLink.objects.get(service=service)
    assert note.message.startswith(f"Devis {service.reference} pr") and note.message.endswith(links.url_for(link))
