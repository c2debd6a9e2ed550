"""The ledger of reminders sent: one row per due event and step, so a reminder never goes out twice.

The periodic task writes the row in the same transaction as its Notification; the unique constraints below
make a second run (or a concurrent one) fail on insert instead of messaging the customer again.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Reminder(models.Model):
    class Kind(models.TextChoices):
        SERVICE_DUE = "service_due", _("Entretien à prévoir")
        PAYMENT = "payment", _("Relance de paiement")
        DECLINED_WORK = "declined_work", _("Travaux non réalisés")
        INSPECTION = "inspection", _("Visite technique")
        ROAD_TAX = "road_tax", _("Vignette")

    kind = models.CharField(_("type"), max_length=14, choices=Kind.choices)
    # Which reminder of the event: 1 then 2 (follow-up) for a service; the days after the due date for a payment.
    step = models.PositiveSmallIntegerField(_("étape"), default=1)
    # What makes the event unique for its subject: the last service's id, the inspection's date, the tax year...
    due_key = models.CharField(_("échéance (clé)"), max_length=40)
    due_date = models.DateField(_("échéance"))
    sent_on = models.DateField(_("relancé le"), db_index=True)
    customer = models.ForeignKey(
        "workshop.Customer", verbose_name=_("client"), on_delete=models.CASCADE, related_name="reminders"
    )
    car = models.ForeignKey(
        "workshop.Car", verbose_name=_("véhicule"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    invoice = models.ForeignKey(
        "workshop.Invoice",
        verbose_name=_("facture"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    service = models.ForeignKey(
        "workshop.Service",
        verbose_name=_("ordre de réparation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    notification = models.OneToOneField(
        "workshop.Notification",
        verbose_name=_("notification"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminder",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("relance")
        verbose_name_plural = _("relances")
        ordering = ["-sent_on", "-id"]
        indexes = [models.Index(fields=["-sent_on", "-id"], name="reminder_sent_idx")]
        constraints = [
            # A payment reminder is about an invoice, a declined-work one about a job, the others about a car.
            models.CheckConstraint(
                condition=(
                    Q(kind="payment", invoice__isnull=False, car__isnull=True)
                    | Q(kind="declined_work", service__isnull=False, invoice__isnull=True)
                    | Q(
                        kind__in=["service_due", "inspection", "road_tax"],
                        car__isnull=False,
                        invoice__isnull=True,
                    )
                ),
                name="reminder_subject_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["kind", "car", "due_key", "step"],
                condition=Q(kind__in=["service_due", "inspection", "road_tax"]),
                name="reminder_once_per_car_event",
            ),
            models.UniqueConstraint(
                fields=["kind", "invoice", "due_key", "step"],
                condition=Q(kind="payment"),
                name="reminder_once_per_invoice_event",
            ),
            models.UniqueConstraint(
                fields=["kind", "service", "due_key", "step"],
                condition=Q(kind="declined_work"),
                name="reminder_once_per_job_event",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.due_date:%d/%m/%Y}"
