"""Payments: the ledger of money received (and withheld) on an invoice, only ever added to."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workshop.money import ZERO
from workshop.validators import date_bounds_check, validate_past_date

from .common import MONEY, LockedError, TimeStamped, database_refusals
from .invoices import Invoice

PAYMENT_LOCKED_MESSAGE = _(
    "Un paiement enregistré ne peut être ni modifié ni supprimé : il est inscrit au règlement de la facture."
)


class PaymentQuerySet(models.QuerySet):
    """Payments are a ledger: rows are added by `workshop.billing.record_payment` (and taken back by a
    counter-payment, `workshop.settlements.reverse_payment`), never rewritten."""

    def update(self, **kwargs):
        raise LockedError(PAYMENT_LOCKED_MESSAGE)

    def delete(self):
        raise LockedError(PAYMENT_LOCKED_MESSAGE)


class Payment(TimeStamped):
    class Method(models.TextChoices):
        CASH = "cash", _("Espèces")
        CHEQUE = "cheque", _("Chèque")
        CARD = "card", _("Carte bancaire")
        TRANSFER = "transfer", _("Virement")
        CUSTOMER_CREDIT = "credit", _("Avoir client / crédit")

    invoice = models.ForeignKey(Invoice, verbose_name=_("facture"), on_delete=models.PROTECT, related_name="payments")
    date = models.DateField(_("date"), validators=[validate_past_date])
    method = models.CharField(_("mode"), max_length=10, choices=Method.choices, default=Method.CASH)
    amount = models.DecimalField(_("montant encaissé"), **MONEY)
    withholding_amount = models.DecimalField(_("retenue à la source"), default=ZERO, **MONEY)
    withholding_certificate = models.CharField(_("n° du certificat de retenue"), max_length=40, blank=True)
    reference = models.CharField(_("référence (chèque, virement…)"), max_length=60, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reçu par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("contre-passe le paiement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
    )
    reason = models.CharField(_("motif de la contre-passation"), max_length=255, blank=True)
    history = HistoricalRecords()

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")
        ordering = ["-date", "-id"]
        permissions = [("reverse_payment", _("Contre-passer un paiement"))]
        indexes = [models.Index(fields=["-date", "-id"], name="payment_date_idx")]
        constraints = [
            # A payment is positive; a counter-payment (one at most per payment: `reverses` is unique) is
            # negative and says why.
            models.CheckConstraint(
                condition=(
                    Q(reverses__isnull=True, amount__gte=0, withholding_amount__gte=0)
                    & (Q(amount__gt=0) | Q(withholding_amount__gt=0))
                )
                | (
                    Q(reverses__isnull=False, amount__lte=0, withholding_amount__lte=0)
                    & (Q(amount__lt=0) | Q(withholding_amount__lt=0))
                    & ~Q(reason="")
                ),
                name="payment_positive_or_reversal",
            ),
            date_bounds_check("date", "payment_date_in_range"),
        ]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} · {self.get_method_display()} · {self.amount}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    @property
    def settled_amount(self):
        return self.amount + self.withholding_amount

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise LockedError(PAYMENT_LOCKED_MESSAGE)
        with database_refusals():
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LockedError(PAYMENT_LOCKED_MESSAGE)
