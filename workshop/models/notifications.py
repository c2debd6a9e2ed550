import re

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from workshop.money import format_tnd

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
        INSPECTION_DUE = "inspection_due", _("Visite technique à prévoir")
        ROAD_TAX_DUE = "road_tax_due", _("Vignette à payer")
        DECLINED_WORK = "declined_work", _("Travaux non réalisés")
        VERIFICATION_CODE = "verification_code", _("Code de vérification")

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        SENT = "sent", _("Envoyée")
        FAILED = "failed", _("Échec")
        CANCELLED = "cancelled", _("Annulée")

    # Empty only for a message to someone who is not a customer yet (the code that verifies a new app account).
    customer = models.ForeignKey(
        "workshop.Customer",
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
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
    # The phone (E.164) or e-mail address the message goes to, as it was when queued: what was sent stays known
    # when the customer's contact details change later.
    recipient = models.CharField(_("destinataire"), max_length=254, blank=True)
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
        return f"{self.get_event_display()} · {self.customer or self.recipient}"

    @property
    def is_confidential(self) -> bool:
        """A message only its recipient may read (a verification code): staff screens show it masked."""
        return self.event in CONFIDENTIAL_EVENTS

    @property
    def readable_message(self) -> str:
        """The message as staff may read it: every digit of a confidential one masked."""
        return _DIGITS.sub("•", self.message) if self.is_confidential else self.message

    @classmethod
    def for_service(cls, service, event: str) -> "Notification | None":
        """Queue the message a job's customer is owed, on the channel they accepted; None if they accepted none."""
        customer = service.customer
        if customer.phone and customer.sms_consent:
            channel, recipient = cls.Channel.SMS, customer.phone
        elif customer.email and customer.email_consent:
            channel, recipient = cls.Channel.EMAIL, customer.email
        else:
            return None
        with translation.override(customer.preferred_language or "fr"):
            message = str(SERVICE_MESSAGES[event]) % {
                "plate": service.car.plate,
                "reference": service.reference,
                "total": format_tnd(service.total_ttc),
            }
        return cls.objects.create(
            customer=customer, service=service, channel=channel, recipient=recipient, event=event, message=message
        )


CONFIDENTIAL_EVENTS = frozenset({Notification.Event.VERIFICATION_CODE})
_DIGITS = re.compile(r"\d")

SERVICE_MESSAGES = {
    Notification.Event.ESTIMATE_READY: _(
        "Votre devis pour le véhicule %(plate)s est prêt : %(total)s TTC (ordre %(reference)s). "
        "Merci de nous donner votre accord."
    ),
    Notification.Event.WAITING_PARTS: _(
        "Les travaux sur le véhicule %(plate)s attendent une pièce. Nous vous prévenons dès sa réception."
    ),
    Notification.Event.CAR_READY: _("Votre véhicule %(plate)s est prêt. Vous pouvez venir le récupérer."),
}
