"""Delivering a notification: claimed once, sent once, retried with backoff, refused for good, reported delivered."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from tests import factories as f
from workshop.models import Notification
from workshop.notifications import sending, tasks

Status = Notification.Status
TUNIS = ZoneInfo("Africa/Tunis")
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def daytime(settings):
    """Tests run at any hour: quiet hours off unless a test sets them."""
    settings.ECAR_SMS_QUIET_START = settings.ECAR_SMS_QUIET_END = "00:00"


def ok(message_id):
    return {"success": True, "code": "message_queued", "data": {"message_id": message_id}}


def deliver(note, **kwargs):
    result = sending.deliver(notification_id=note.pk, **kwargs)
    note.refresh_from_db()
    return result


def test_a_pending_sms_is_sent_once_and_its_gateway_id_kept(db, sms_gateway):
    note = f.SmsNotificationFactory()
    sms_gateway.then(200, ok("A-1"))
    assert deliver(note).state == "sent"
    assert (note.status, note.gateway_id, note.backend, note.attempts) == (Status.SENT, "A-1", "tunisiesms", 1)
    assert note.sent_at is not None and note.claim_token is not None
    assert sms_gateway.sent()[0]["mobile"] == note.recipient.lstrip("+")
    assert deliver(note).state == "skipped"  # the duplicated task
    assert len(sms_gateway.requests) == 1


def test_a_refusal_fails_for_good_without_retry(db, sms_gateway):
    note = f.SmsNotificationFactory()
    sms_gateway.then(200, {"success": False, "code": "no_credit", "message": "Solde insuffisant"})
    assert deliver(note).state == "failed"
    assert note.status == Status.FAILED and "Solde insuffisant" in note.last_error and note.attempts == 1
    assert deliver(note).state == "skipped" and len(sms_gateway.requests) == 1


def test_server_error_then_success_retries_with_exponential_backoff(db, sms_gateway, settings):
    settings.ECAR_NOTIFY_RETRY_BASE_SECONDS = 60
    note = f.SmsNotificationFactory()
    sms_gateway.then(503, "busy").then(200, ok("B-2"), delay=0).then(200, ok("never"))
    before = timezone.now()
    first = deliver(note)
    assert first.state == "retry" and note.status == Status.PENDING and "503" in note.last_error
    assert timedelta(seconds=59) < note.scheduled_for - before < timedelta(seconds=62)
    assert deliver(note).state == "waiting"  # not before the backoff is over
    assert deliver(note, now=note.scheduled_for).state == "sent"
    assert (note.status, note.gateway_id, note.attempts, note.last_error) == (Status.SENT, "B-2", 2, "")
    assert len(sms_gateway.requests) == 2


def test_backoff_doubles_and_is_capped(settings):
    settings.ECAR_NOTIFY_RETRY_BASE_SECONDS, settings.ECAR_NOTIFY_RETRY_MAX_SECONDS = 60, 300
    assert [sending.backoff(n).seconds for n in (1, 2, 3, 4, 5)] == [60, 120, 240, 300, 300]


def test_timeouts_stop_after_the_last_attempt(db, sms_gateway, settings):
    settings.ECAR_NOTIFY_MAX_ATTEMPTS = 2
    note = f.SmsNotificationFactory()
    sms_gateway.then(200, ok("late"), delay=1.2).then(200, ok("late"), delay=1.2)
    assert deliver(note).state == "retry"
    assert deliver(note, now=note.scheduled_for).state == "failed"
    assert note.status == Status.FAILED and note.attempts == 2 and "délai" in note.last_error


def test_an_unreadable_answer_fails_without_retry(db, sms_gateway):
    note = f.SmsNotificationFactory()
    sms_gateway.then(200, "<html>Oops</html>")
    assert deliver(note).state == "failed"
    assert "illisible" in note.last_error and len(sms_gateway.requests) == 1


def test_a_bad_sender_name_is_refused_before_calling_the_gateway(db, sms_gateway, settings):
    settings.ECAR_SMS_SENDER = "Garage de Sfax"
    note = f.SmsNotificationFactory()
    assert deliver(note).state == "failed" and "expéditeur" in note.last_error and not sms_gateway.requests


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_workers_on_the_same_message_send_it_once(sms_gateway):
    customer = f.CustomerFactory()
    # bulk_create sends no signal: no task of its own runs when this autocommitted insert commits
    (note,) = Notification.objects.bulk_create([f.SmsNotificationFactory.build(customer=customer)])
    sms_gateway.then(200, ok("ONCE"), delay=0.3)
    barrier, outcomes = threading.Barrier(2), []

    def worker():
        try:
            barrier.wait()
            outcomes.append(sending.deliver(notification_id=note.pk).state)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["sent", "skipped"]
    assert len(sms_gateway.requests) == 1
    note.refresh_from_db()
    assert (note.status, note.gateway_id, note.attempts) == (Status.SENT, "ONCE", 1)


def next_in_tunis(hour: int, minute: int = 0) -> datetime:
    """The next hour:minute on the workshop's clock after the real one. A new row is scheduled from the real clock
    (at once, or after the quiet hours): a fixed date would fall before it once the calendar passes that date."""
    now = timezone.localtime(timezone=TUNIS)
    moment = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return moment if moment > now else moment + timedelta(days=1)


def test_quiet_hours_hold_sms_until_the_morning(db, sms_gateway, settings):
    settings.ECAR_SMS_QUIET_START, settings.ECAR_SMS_QUIET_END = "21:00", "08:00"
    note = f.SmsNotificationFactory(scheduled_for=None)
    night = next_in_tunis(22, 30)
    morning = (night + timedelta(days=1)).replace(hour=8, minute=0)
    result = deliver(note, now=night)
    assert result.state == "waiting" and result.retry_at == morning
    assert note.status == Status.PENDING and note.scheduled_for == result.retry_at and note.attempts == 0
    assert not sms_gateway.requests
    assert deliver(note, now=morning).state == "sent"


def test_verification_codes_and_emails_ignore_quiet_hours(db, sms_gateway, settings):
    settings.ECAR_SMS_QUIET_START, settings.ECAR_SMS_QUIET_END = "21:00", "08:00"
    night = next_in_tunis(23)
    code = f.SmsNotificationFactory(customer=None, recipient="+21650111222", event=Notification.Event.VERIFICATION_CODE)
    assert deliver(code, now=night).state == "sent"
    email = f.NotificationFactory(channel="email", recipient="a@exemple.tn", subject="Prêt")
    assert deliver(email, now=night).state == "sent"


def test_a_customer_who_withdrew_consent_gets_nothing(db, sms_gateway):
    note = f.SmsNotificationFactory()
    note.customer.sms_consent = False
    note.customer.save()
    assert deliver(note).state == "cancelled"
    assert note.status == Status.CANCELLED and "consentement" in note.last_error and not sms_gateway.requests


def test_what_the_law_requires_goes_despite_the_opt_out(db, sms_gateway, settings):
    settings.ECAR_NOTIFY_REQUIRED_EVENTS = ["verification_code", "invoice_issued"]
    customer = f.CustomerFactory(sms_consent=False, email_consent=False)
    note = f.SmsNotificationFactory(customer=customer, event=Notification.Event.INVOICE_ISSUED)
    sms_gateway.then(200, ok("LAW"))
    assert deliver(note).state == "sent"


def test_delivery_reports_mark_delivered_or_failed_for_good(db, sms_gateway):
    sent_at = timezone.now() - timedelta(hours=1)
    fields = {"status": Status.SENT, "backend": "tunisiesms", "sent_at": sent_at}
    delivered = f.SmsNotificationFactory(gateway_id="D1", **fields)
    expired = f.SmsNotificationFactory(gateway_id="D2", **fields)
    unknown = f.SmsNotificationFactory(gateway_id="D3", **fields)
    f.SmsNotificationFactory(
        gateway_id="OLD", status=Status.SENT, backend="tunisiesms", sent_at=sent_at - timedelta(days=9)
    )
    reports = {"D1": "DELIVERED", "D2": "EXPIRED", "D3": "UNKNOWN"}
    sms_gateway.default = (200, lambda params, n: {"success": True, "data": {"status": reports[params["msg_id"]]}}, 0)
    assert tasks.poll_delivery_reports() == {"DELIVERED": 1, "EXPIRED": 1}
    assert sorted(r["msg_id"] for r in sms_gateway.sent("dlr")) == ["D1", "D2", "D3"]
    for note in (delivered, expired, unknown):
        note.refresh_from_db()
    assert delivered.status == Status.DELIVERED and delivered.delivered_at and delivered.delivery_status == "DELIVERED"
    assert expired.status == Status.FAILED and "EXPIRED" in expired.last_error
    assert unknown.status == Status.SENT and unknown.delivery_status == ""


def test_the_dispatcher_requeues_what_was_lost_and_fails_abandoned_claims(db, sms_gateway, settings):
    long_ago = timezone.now() - timedelta(hours=1)
    lost = f.SmsNotificationFactory(scheduled_for=long_ago)
    later = f.SmsNotificationFactory(scheduled_for=timezone.now() + timedelta(hours=3))
    abandoned = f.SmsNotificationFactory(status=Status.SENDING, claimed_at=long_ago)
    sms_gateway.then(200, ok("LOST"))
    assert tasks.dispatch_pending() == 1  # eager: sent at once
    for note in (lost, later, abandoned):
        note.refresh_from_db()
    assert lost.status == Status.SENT and later.status == Status.PENDING
    assert abandoned.status == Status.FAILED and "vérifier" in abandoned.last_error
    assert len(sms_gateway.requests) == 1


def test_a_job_news_is_queued_after_commit_and_sent(db, sms_gateway, django_capture_on_commit_callbacks):
    service = f.ServiceFactory()
    sms_gateway.then(200, ok("JOB"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        note = Notification.for_service(service, Notification.Event.CAR_READY)
        assert not sms_gateway.requests  # nothing leaves before the commit
    assert len(callbacks) == 1
    note.refresh_from_db()
    assert note.status == Status.SENT and note.gateway_id == "JOB"
    assert sms_gateway.sent()[0]["sms"] == note.message and service.car.plate in note.message
    assert "prêt" not in note.message and "pret" in note.message  # written in GSM-7: one segment


def test_invoice_issued_goes_by_email_with_its_pdf(db, accountant, profile, django_capture_on_commit_callbacks):
    customer = f.CustomerFactory(preferred_language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        invoice = f.billed_job(user=accountant, items=[{"unit_price": "100.000"}], customer=customer, issue_date=TODAY)
    note = Notification.objects.get(invoice=invoice)
    assert (note.channel, note.status, note.recipient) == ("email", Status.SENT, customer.email)
    (message,) = mail.outbox
    assert invoice.number in message.body and message.to == [customer.email]
    assert message.alternatives[0][1] == "text/html" and invoice.number in message.alternatives[0][0]
    (name, content, mimetype) = message.attachments[0]
    assert name == f"facture-{invoice.number}.pdf" and mimetype == "application/pdf" and content.startswith(b"%PDF")
    assert note.gateway_id and note.gateway_id in message.extra_headers["Message-ID"]


def test_an_arabic_speaking_customer_gets_arabic_untouched(db, sms_gateway, django_capture_on_commit_callbacks):
    service = f.ServiceFactory(customer=f.CustomerFactory(preferred_language="ar"))
    with django_capture_on_commit_callbacks(execute=True):
        note = Notification.for_service(service, Notification.Event.CAR_READY)
    note.refresh_from_db()
    assert note.message.startswith("سيارتكم") and note.sms_length.encoding == "UCS-2"
    assert sms_gateway.sent()[0]["sms"] == note.message


def test_issuing_an_invoice_to_a_customer_without_consent_queues_nothing(
    db, accountant, profile, django_capture_on_commit_callbacks
):
    customer = f.CustomerFactory(sms_consent=False, email_consent=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invoice = f.billed_job(user=accountant, items=[{"unit_price": "100.000"}], customer=customer, issue_date=TODAY)
    assert callbacks and invoice.number and not Notification.objects.filter(invoice=invoice).exists()
