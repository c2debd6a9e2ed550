"""Money owed back to a customer, settled: refunded, or kept as a credit the customer spends later.

A total credit note on an invoice that had received money leaves that money owed to the customer (the
invoice's balance is negative). Each `Refund` row settles part or all of it, either paid back (kind
`refund`, with its method and reference) or kept as customer credit (kind `credit`), which a later invoice
of the same customer consumes as a payment of method « Avoir client / crédit ». Rows are only added, by
`workshop.settlements`; never edited nor deleted.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workshop.money import ZERO

from .common import MONEY, LockedError, TimeStamped
from .payments import Payment

REFUND_LOCKED_MESSAGE = _(
    "Un remboursement ou un avoir client enregistré ne peut être ni modifié ni supprimé : il solde une facture."
)
REFUND_METHODS = [choice for choice in Payment.Method.choices if choice[0] != Payment.Method.CUSTOMER_CREDIT]


class RefundQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise LockedError(REFUND_LOCKED_MESSAGE)

    def delete(self):
        raise LockedError(REFUND_LOCKED_MESSAGE)

    def customer_credit(self):
        return self.filter(kind=Refund.Kind.CREDIT)


class Refund(TimeStamped):
    class Kind(models.TextChoices):
        REFUND = "refund", _("Remboursement")
        CREDIT = "credit", _("Avoir client")

    kind = models.CharField(_("type"), max_length=6, choices=Kind.choices)
    invoice = models.ForeignKey(
        "workshop.Invoice", verbose_name=_("facture"), on_delete=models.PROTECT, related_name="refunds"
    )
    customer = models.ForeignKey(
        "workshop.Customer", verbose_name=_("client"), on_delete=models.PROTECT, related_name="refunds"
    )
    amount = models.DecimalField(_("montant"), default=ZERO, **MONEY)
    method = models.CharField(_("mode"), max_length=10, choices=REFUND_METHODS, blank=True)
    date = models.DateField(_("date"))
    reference = models.CharField(_("référence (chèque, virement…)"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enregistré par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = RefundQuerySet.as_manager()

    class Meta:
        verbose_name = _("remboursement ou avoir client")
        verbose_name_plural = _("remboursements et avoirs clients")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["-date", "-id"], name="refund_date_idx"),
            models.Index(fields=["customer", "kind"], name="refund_customer_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_positive"),
            models.CheckConstraint(
                condition=(Q(kind="refund") & ~Q(method="")) | Q(kind="credit", method=""),
                name="refund_method_matches_kind",
            ),
        ]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} · {self.get_kind_display()} · {self.amount}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise LockedError(REFUND_LOCKED_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LockedError(REFUND_LOCKED_MESSAGE)


def customer_credit_available(customer_id, *, until=None) -> Decimal:
    """Credit kept for the customer minus what their payments « Avoir client / crédit » used (reversals give
    back), as of today or as of the day `until`."""
    kept = Refund.objects.filter(customer_id=customer_id, kind=Refund.Kind.CREDIT)
    used = Payment.objects.filter(invoice__customer_id=customer_id, method=Payment.Method.CUSTOMER_CREDIT)
    if until is not None:
        kept, used = kept.filter(date__lte=until), used.filter(date__lte=until)
    return (kept.aggregate(v=Sum("amount"))["v"] or ZERO) - (used.aggregate(v=Sum("amount"))["v"] or ZERO)
