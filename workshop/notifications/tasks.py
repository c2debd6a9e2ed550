"""Celery tasks: one per message, plus the periodic dispatcher and delivery-report poller (see `schedule`)."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from workshop.models import Notification

from . import sending


@shared_task(bind=True, ignore_result=True, acks_late=True, max_retries=None)
def send_notification(self, notification_id: int) -> str:
    """Deliver one notification; a timeout or 5xx comes back after the backoff, quiet hours after 08:00.

    Eagerly (no broker) nothing is re-queued: the dispatcher picks the row up when it is due.
    """
    outcome = sending.deliver(notification_id=notification_id)
    if outcome.retry_at and not self.request.is_eager:
        raise self.retry(eta=outcome.retry_at, max_retries=None)
    return outcome.state


@shared_task(ignore_result=True)
def dispatch_pending() -> int:
    """Queue again what is due and was never sent (lost task, broker down at commit); fail abandoned claims."""
    sending.release_stale_claims()
    ids = list(sending.due_for_dispatch()[: settings.ECAR_NOTIFY_DISPATCH_BATCH])
    # Not overdue again before the grace period: a backlog is not queued once more every minute.
    Notification.objects.filter(pk__in=ids, status=Notification.Status.PENDING).update(scheduled_for=timezone.now())
    for notification_id in ids:
        send_notification.delay(notification_id)
    return len(ids)


@shared_task(ignore_result=True)
def poll_delivery_reports() -> dict:
    """Delivery reports of the gateways that answer `fct=dlr` (TunisieSMS); nothing to do for the others."""
    if settings.ECAR_SMS_BACKEND != "tunisiesms":
        return {}
    return sending.poll_delivery_reports()
