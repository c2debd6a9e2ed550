"""Notifications (SMS and their templates) and the reminders ledger."""

from datetime import date

import factory

from workshop import models

from .customers import CarFactory, CustomerFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Notification

    customer = factory.SubFactory(CustomerFactory)
    event = models.Notification.Event.CAR_READY
    message = "Votre véhicule est prêt."


class SmsNotificationFactory(NotificationFactory):
    """A pending SMS to the customer's phone, as `messages.queue` records it."""

    channel = models.Notification.Channel.SMS
    recipient = factory.LazyAttribute(lambda n: n.customer.phone if n.customer else "+21620000000")
    message = "Votre véhicule 123 TU 4567 est prêt."


class NotificationTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.NotificationTemplate
        django_get_or_create = ("event", "language")

    event = models.Notification.Event.CAR_READY
    language = "fr"
    text = factory.LazyAttribute(lambda t: _default_text(t.event, t.language))


def _default_text(event, language):
    from workshop.notifications.messages import EVENTS

    return EVENTS[event].defaults.get(language) or EVENTS[event].defaults["fr"]


class ReminderFactory(factory.django.DjangoModelFactory):
    """A ledger row as `workshop.notifications.reminders.record_reminder` writes it (a visite technique)."""

    class Meta:
        model = models.Reminder

    kind = models.Reminder.Kind.INSPECTION
    step = 1
    car = factory.SubFactory(CarFactory)
    customer = factory.LazyAttribute(lambda o: o.car.owner)
    due_date = date(2026, 12, 10)
    due_key = factory.LazyAttribute(lambda o: o.due_date.isoformat())
    sent_on = date(2026, 11, 10)
    notification = factory.SubFactory(
        NotificationFactory, customer=factory.SelfAttribute("..customer"), event="inspection_due"
    )
