import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from .common import TimeStamped


class Notification(TimeStamped):
    """A message owed to someone; `workshop.notifications` renders, queues and delivers it and fills in the outcome."""

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
        SENDING = "sending", _("En cours d'envoi")
        SENT = "sent", _("Envoyée")
        DELIVERED = "delivered", _("Remise")
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
    # « Facture émise »: the invoice whose PDF the e-mail carries.
    invoice = models.ForeignKey(
        "workshop.Invoice",
        verbose_name=_("facture"),
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
    subject = models.CharField(_("objet"), max_length=200, blank=True)  # e-mail only
    message = models.TextField(_("message"))
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    # Not sent before this time (quiet hours, retry backoff); the dispatcher re-queues what is overdue.
    scheduled_for = models.DateTimeField(_("prévue pour"), null=True, blank=True)
    # Set when a worker claims the row (status « sending »): only the holder of the token records the outcome.
    claim_token = models.UUIDField(_("jeton d'envoi"), null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("prise en charge le"), null=True, blank=True)
    backend = models.CharField(_("passerelle"), max_length=20, blank=True)
    gateway_id = models.CharField(_("identifiant passerelle"), max_length=100, blank=True)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    delivery_status = models.CharField(_("accusé de réception"), max_length=20, blank=True)
    delivered_at = models.DateTimeField(_("remise le"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="notification_status_idx"),
            models.Index(fields=["-created_at", "-id"], name="notification_created_idx"),
            models.Index(fields=["status", "scheduled_for"], name="notification_due_idx"),
            models.Index(fields=["backend", "gateway_id"], name="notification_gateway_idx"),
        ]
        permissions = [("test_gateway", _("Peut tester la passerelle SMS"))]

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

    @property
    def sms_length(self):
        """Encoding, characters and segments of the text as it will leave (what it costs)."""
        from workshop.notifications.encoding import measure

        return measure(self.message)

    @classmethod
    def for_service(cls, service, event: str) -> "Notification | None":
        """Queue the message a job's customer is owed (see `workshop.notifications.messages.for_service`)."""
        from workshop.notifications.messages import for_service

        return for_service(service=service, event=event)


CONFIDENTIAL_EVENTS = frozenset({Notification.Event.VERIFICATION_CODE})
_DIGITS = re.compile(r"\d")


class NotificationTemplate(TimeStamped):
    """The text of one event's message in one language, edited by managers; placeholders are checked on save."""

    event = models.CharField(_("événement"), max_length=30)
    language = models.CharField(_("langue"), max_length=5, choices=[("fr", "Français"), ("ar", "العربية")])
    subject = models.CharField(_("objet de l'e-mail"), max_length=200, blank=True)
    text = models.TextField(_("texte"))

    class Meta:
        verbose_name = _("modèle de message")
        verbose_name_plural = _("modèles de messages")
        ordering = ["event", "language"]
        constraints = [models.UniqueConstraint(fields=["event", "language"], name="notification_template_unique")]

    def __str__(self):
        return f"{self.event} · {self.language}"

    def clean(self):
        from workshop.notifications.messages import check_template

        check_template(event=self.event, text=self.text, subject=self.subject)

    def save(self, *args, **kwargs):
        self.clean()  # an unknown placeholder never reaches the table, whoever saves
        super().save(*args, **kwargs)
