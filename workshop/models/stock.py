"""The parts' stock as a ledger: every change is a movement row, never rewritten (`workshop.stock` writes them).

`Part.stock_on_hand` is the sum of a part's movements; the database keeps it so (`workshop.invariants`: LEDGERS)
and refuses any update or deletion of a movement (FROZEN): a mistake is corrected by an adjustment.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .common import QUANTITY, LockedError, database_refusals

STOCK_MOVEMENT_LOCKED_MESSAGE = _(
    "Un mouvement de stock ne peut être ni modifié ni supprimé : corrigez-le par un ajustement."
)


class StockMovementQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise LockedError(STOCK_MOVEMENT_LOCKED_MESSAGE)

    def delete(self):
        raise LockedError(STOCK_MOVEMENT_LOCKED_MESSAGE)


class StockMovement(models.Model):
    class Kind(models.TextChoices):
        SALE = "sale", _("Vente (facture)")
        RETURN = "return", _("Retour (avoir)")
        RECEIPT = "receipt", _("Réception")
        ADJUSTMENT = "adjustment", _("Ajustement")

    part = models.ForeignKey(
        "workshop.Part", verbose_name=_("pièce"), on_delete=models.PROTECT, related_name="movements"
    )
    quantity = models.DecimalField(_("quantité"), help_text=_("positive : entrée ; négative : sortie"), **QUANTITY)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    invoice = models.ForeignKey(
        "workshop.Invoice",
        verbose_name=_("facture"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stock_movements",
    )
    credit_note = models.ForeignKey(
        "workshop.CreditNote",
        verbose_name=_("avoir"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stock_movements",
    )
    reference = models.CharField(_("bon de livraison / référence"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    objects = StockMovementQuerySet.as_manager()

    class Meta:
        verbose_name = _("mouvement de stock")
        verbose_name_plural = _("mouvements de stock")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["part", "quantity"], name="stockmovement_part_qty_idx"),  # the ledger's SUM
            models.Index(fields=["-created_at", "-id"], name="stockmovement_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="sale", quantity__lt=0, invoice__isnull=False, credit_note__isnull=True)
                    | Q(kind="return", quantity__gt=0, credit_note__isnull=False)
                    | Q(kind="receipt", quantity__gt=0, invoice__isnull=True, credit_note__isnull=True)
                    | (Q(kind="adjustment", invoice__isnull=True, credit_note__isnull=True) & ~Q(quantity=0))
                ),
                name="stockmovement_kind_sign_document",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.quantity}"

    @property
    def document(self):
        """The invoice, credit note or delivery-note reference that explains the movement."""
        return self.invoice or self.credit_note or self.reference

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise LockedError(STOCK_MOVEMENT_LOCKED_MESSAGE)
        with database_refusals():
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LockedError(STOCK_MOVEMENT_LOCKED_MESSAGE)
