"""Delivering one notification, idempotently: claim the row under a lock, send outside it, record the outcome.

The claim turns « en attente » into « en cours d'envoi » with a fresh token in one short transaction
(select_for_update): a duplicated or redelivered task finds the row claimed or sent and does nothing. Only the
holder of the token records the outcome. A worker that dies between sending and recording leaves the row
« en cours d'envoi »; `release_stale_claims` marks it failed for a person to check, never resends it blindly.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workshop.models import Notification

from . import email, rules
from .gateways import DELIVERED, FAILED_DELIVERY, GatewayError, Refused, check_sender, gateway_phone, get_gateway

Status = Notification.Status


@dataclass(frozen=True)
class Outcome:
    state: str  # sent, failed, cancelled, retry, waiting, skipped
    retry_at: datetime | None = None
    reason: str = ""


def backoff(attempts: int) -> timedelta:
    """60 s, 120 s, 240 s... capped: the n-th failed attempt waits base × 2^(n-1)."""
    seconds = settings.ECAR_NOTIFY_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.ECAR_NOTIFY_RETRY_MAX_SECONDS))


def _claim(notification_id: int, now: datetime) -> tuple[Notification | None, Outcome | None]:
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("customer", "invoice")
            .filter(pk=notification_id)
            .first()
        )
        if row is None or row.status != Status.PENDING:
            return None, Outcome("skipped")
        if row.scheduled_for and row.scheduled_for > now:
            return None, Outcome("waiting", retry_at=row.scheduled_for)
        refusal = rules.refusal_for(customer=row.customer, channel=row.channel, event=row.event)
        if refusal:
            row.status, row.last_error = Status.CANCELLED, refusal
            row.save(update_fields=["status", "last_error", "updated_at"])
            return None, Outcome("cancelled", reason=refusal)
        if row.channel == Notification.Channel.SMS and not rules.bypasses_quiet_hours(row.event):
            morning = rules.next_sending_time(now)
            if morning > now:
                row.scheduled_for = morning
                row.save(update_fields=["scheduled_for", "updated_at"])
                return None, Outcome("waiting", retry_at=morning)
        row.status, row.claim_token, row.claimed_at = Status.SENDING, uuid.uuid4(), now
        row.attempts += 1
        row.save(update_fields=["status", "claim_token", "claimed_at", "attempts", "updated_at"])
        return row, None


def _send(row: Notification) -> tuple[str, str]:
    """(backend, gateway id) of the message that left, or a GatewayError."""
    if row.channel == Notification.Channel.EMAIL:
        return "email", email.send(row)
    if row.channel != Notification.Channel.SMS:
        return "in_app", ""  # read in the app: nothing leaves
    gateway = get_gateway()
    sender = check_sender(settings.ECAR_SMS_SENDER)
    return gateway.name, gateway.send(phone=gateway_phone(row.recipient), text=row.message, sender=sender)


def _record(row: Notification, **fields) -> None:
    fields["updated_at"] = timezone.now()
    Notification.objects.filter(pk=row.pk, status=Status.SENDING, claim_token=row.claim_token).update(**fields)


def deliver(*, notification_id: int, now: datetime | None = None) -> Outcome:
    """Send one pending notification if it is due; what happened, and when to try again if it should be."""
    row, early = _claim(notification_id, now or timezone.now())
    if early:
        return early
    try:
        backend, gateway_id = _send(row)
    except GatewayError as error:
        if error.retry and row.attempts < settings.ECAR_NOTIFY_MAX_ATTEMPTS:
            retry_at = timezone.now() + backoff(row.attempts)
            _record(row, status=Status.PENDING, claim_token=None, last_error=error.reason, scheduled_for=retry_at)
            return Outcome("retry", retry_at=retry_at, reason=error.reason)
        _record(row, status=Status.FAILED, last_error=error.reason)
        return Outcome("failed", reason=error.reason)
    except Exception as error:  # a bug or a broken PDF: the message did not leave, say so on the row
        _record(row, status=Status.FAILED, last_error=f"{error.__class__.__name__}: {error}")
        raise
    _record(row, status=Status.SENT, backend=backend, gateway_id=gateway_id, sent_at=timezone.now(), last_error="")
    return Outcome("sent")


def due_for_dispatch(now: datetime | None = None):
    """Pending rows whose task should have run by now and did not (broker down at commit, lost task)."""
    now = now or timezone.now()
    grace = now - timedelta(seconds=settings.ECAR_NOTIFY_DISPATCH_GRACE_SECONDS)
    return Notification.objects.filter(status=Status.PENDING, scheduled_for__lte=grace).values_list("pk", flat=True)


def release_stale_claims(now: datetime | None = None) -> int:
    """Rows left « en cours d'envoi » by a dead worker become failures to check by hand (they may have left)."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.ECAR_NOTIFY_STALE_CLAIM_SECONDS)
    return Notification.objects.filter(status=Status.SENDING, claimed_at__lt=limit).update(
        status=Status.FAILED,
        updated_at=now,
        last_error=_("Envoi interrompu : vérifier sur la passerelle si le message est parti avant de le renvoyer."),
    )


def record_delivery(*, notification: Notification, status: str, now: datetime | None = None) -> None:
    """A delivery report: DELIVERED marks the message received; UNDELIVERED, EXPIRED, REJECTED a failure for good."""
    fields = {"delivery_status": status, "updated_at": now or timezone.now()}
    if status == DELIVERED:
        fields.update(status=Status.DELIVERED, delivered_at=fields["updated_at"])
    elif status in FAILED_DELIVERY:
        fields.update(status=Status.FAILED, last_error=_("Non remis au destinataire : %(status)s") % {"status": status})
    Notification.objects.filter(pk=notification.pk, status=Status.SENT).update(**fields)


def poll_delivery_reports(*, limit: int = 500) -> dict[str, int]:
    """Ask the gateway about messages sent in the last days and not reported yet (TunisieSMS `fct=dlr`)."""
    gateway = get_gateway()
    since = timezone.now() - timedelta(days=settings.ECAR_SMS_DLR_DAYS)
    pending = Notification.objects.filter(
        status=Status.SENT, backend=gateway.name, sent_at__gte=since, channel=Notification.Channel.SMS
    ).order_by("sent_at")[:limit]
    counts = {}
    for row in pending:
        try:
            status = gateway.delivery_status(row.gateway_id)
        except GatewayError as error:
            status = ""
            counts["error"] = counts.get("error", 0) + 1
            if not error.retry:
                continue
        if status:
            record_delivery(notification=row, status=status)
            counts[status] = counts.get(status, 0) + 1
    return counts


def send_test_sms(*, phone: str, text: str) -> str:
    """Send one message now through the configured backend, outside the queue; the gateway id, or Refused & co."""
    gateway = get_gateway()
    return gateway.send(phone=gateway_phone(phone), text=text, sender=check_sender(settings.ECAR_SMS_SENDER))


__all__ = ["Outcome", "Refused", "deliver", "poll_delivery_reports", "send_test_sms"]
