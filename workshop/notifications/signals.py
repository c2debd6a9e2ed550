"""Every new notification, whoever creates it (jobs, invoices, reminders, the API), is prepared and queued.

Before the insert: an SMS in French is written in GSM-7 when the setting asks (Arabic never altered) and gets the
time it may leave (after the quiet hours). After the transaction commits: one Celery task for the row.
"""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.utils import timezone

from workshop.models import Notification

from . import rules
from .encoding import to_gsm7


def prepare(sender, instance: Notification, **kwargs):
    if instance.pk or instance.status != Notification.Status.PENDING:
        return
    now = timezone.now()
    if instance.channel == Notification.Channel.SMS:
        if settings.ECAR_SMS_GSM7_TRANSLITERATION:
            instance.message = to_gsm7(instance.message)
        if instance.scheduled_for is None and not rules.bypasses_quiet_hours(instance.event):
            instance.scheduled_for = rules.next_sending_time(now)
    if instance.scheduled_for is None:
        instance.scheduled_for = now


def enqueue(sender, instance: Notification, created: bool, **kwargs):
    if not created or instance.status != Notification.Status.PENDING:
        return
    notification_id, eta = instance.pk, instance.scheduled_for

    def send():
        from .tasks import send_notification

        if eta and eta > timezone.now() and not settings.CELERY_TASK_ALWAYS_EAGER:
            send_notification.apply_async((notification_id,), eta=eta)
        else:
            send_notification.delay(notification_id)

    transaction.on_commit(send)


def connect():
    pre_save.connect(prepare, sender=Notification, dispatch_uid="notifications.prepare")
    post_save.connect(enqueue, sender=Notification, dispatch_uid="notifications.enqueue")
