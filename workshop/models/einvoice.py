"""The El Fatoora record of one issued invoice or credit note: its TEIF XML, signature and TTN's answer.

The XML is made once from the frozen document (`workshop.einvoice.records`), validated before it is stored; the
row then follows TTN's answers. The document itself never changes: a refused e-invoice is prepared again from the
same frozen rows once what TTN refused (the garage's or customer's identity) is put right.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .common import TimeStamped


class EInvoice(TimeStamped):
    class Status(models.TextChoices):
        PREPARED = "prepared", _("Préparée")
        SIGNED = "signed", _("Signée")
        SUBMITTED = "submitted", _("Déposée chez TTN")
        ACCEPTED = "accepted", _("Acceptée par TTN")
        REFUSED = "refused", _("Refusée par TTN")

    invoice = models.OneToOneField(
        "workshop.Invoice",
        verbose_name=_("facture"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="einvoice",
    )
    credit_note = models.OneToOneField(
        "workshop.CreditNote",
        verbose_name=_("avoir"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="einvoice",
    )
    status = models.CharField(_("état El Fatoora"), max_length=10, choices=Status.choices, default=Status.PREPARED)
    xml = models.TextField(_("XML TEIF"))
    signed_xml = models.TextField(_("XML signé"), blank=True)
    ttn_save_id = models.CharField(_("identifiant de dépôt TTN"), max_length=64, blank=True)
    ttn_reference = models.CharField(_("référence TTN (I-88)"), max_length=70, blank=True)
    ttn_date = models.DateTimeField(_("date de la référence TTN"), null=True, blank=True)
    ttn_xml = models.TextField(_("XML rendu par TTN"), blank=True)
    qr_png = models.BinaryField(_("code QR (PNG)"), null=True, blank=True)
    error = models.TextField(_("motif du refus ou de l'erreur"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_attempt_at = models.DateTimeField(_("dernière tentative"), null=True, blank=True)

    class Meta:
        verbose_name = _("facture électronique")
        verbose_name_plural = _("factures électroniques")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status"], name="einvoice_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(invoice__isnull=False, credit_note__isnull=True)
                | Q(invoice__isnull=True, credit_note__isnull=False),
                name="einvoice_one_document",
                violation_error_message=_("Une facture électronique porte une facture ou un avoir, pas les deux."),
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | ~Q(ttn_reference=""),
                name="einvoice_accepted_has_reference",
                violation_error_message=_("Une facture électronique acceptée porte sa référence TTN."),
            ),
            models.CheckConstraint(
                condition=Q(status="prepared") | ~Q(signed_xml=""),
                name="einvoice_signed_has_signature",
                violation_error_message=_("Une facture électronique signée porte son XML signé."),
            ),
        ]

    def __str__(self):
        return str(self.document)

    @property
    def document(self):
        return self.invoice if self.invoice_id else self.credit_note

    @property
    def is_accepted(self) -> bool:
        return self.status == self.Status.ACCEPTED
