from django.db import models
from django.utils.translation import gettext_lazy as _

from .common import TimeStamped


class Notification(TimeStamped):
    """A message owed to a customer; the delivery work (SMS, e-mail) fills in its outcome."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")
        IN_APP = "in_app", _("Application")

    class Event(models.TextChoices):
        ESTIMATE_READY = "estimate_ready", _("Devis prêt")
        WAITING_PARTS = "waiting_parts", _("En attente de pièces")
        CAR_READY = "car_ready", _("Véhicule prêt")
        INVOICE_ISSUED = "invoice_issued", _("Facture émise")
        PAYMENT_REMINDER = "payment_reminder", _("Relance de paiement")
        SERVICE_DUE = "service_due", _("Entretien à prévoir")

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        SENT = "sent", _("Envoyée")
        FAILED = "failed", _("Échec")
        CANCELLED = "cancelled", _("Annulée")

    customer = models.ForeignKey(
        "workshop.Customer", verbose_name=_("client"), on_delete=models.CASCADE, related_name="notifications"
    )
    service = models.ForeignKey(
        "workshop.Service",
        verbose_name=_("ordre de réparation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    channel = models.CharField(_("canal"), max_length=6, choices=Channel.choices, default=Channel.SMS)
    event = models.CharField(_("événement"), max_length=20, choices=Event.choices)
    message = models.TextField(_("message"))
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="notification_status_idx"),
            models.Index(fields=["-created_at", "-id"], name="notification_created_idx"),
        ]

    def __str__(self):
        return f"{self.get_event_display()} · {self.customer}"
