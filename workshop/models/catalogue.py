from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from workshop.bidi import ltr

from .common import MONEY, QUANTITY, TimeStamped, TvaRate


class Part(TimeStamped):
    reference = models.CharField(_("référence"), max_length=40, unique=True)
    name = models.CharField(_("désignation"), max_length=160)
    brand = models.CharField(_("marque"), max_length=60, blank=True)
    unit_price = models.DecimalField(_("prix de vente HT"), validators=[MinValueValidator(0)], **MONEY)
    purchase_price = models.DecimalField(_("prix d'achat HT"), default=0, validators=[MinValueValidator(0)], **MONEY)
    tva_rate = models.PositiveSmallIntegerField(_("taux de TVA"), choices=TvaRate.choices, default=TvaRate.STANDARD)
    # The sum of the part's stock movements, kept so by the database (workshop.invariants LEDGERS).
    stock_on_hand = models.DecimalField(_("stock"), default=0, editable=False, **QUANTITY)
    stock_minimum = models.DecimalField(
        _("stock minimum"),
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("En dessous, la pièce est signalée sur le tableau de bord."),
        **QUANTITY,
    )
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("pièce")
        verbose_name_plural = _("pièces")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["name", "id"], name="part_name_idx"),
            models.Index(fields=["brand"], name="part_brand_idx"),
        ]

    def __str__(self):
        return f"{ltr(self.reference)} · {self.name}"


class LabourOperation(TimeStamped):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("désignation"), max_length=160)
    standard_hours = models.DecimalField(
        _("temps barème (h)"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    hourly_rate = models.DecimalField(_("taux horaire HT"), validators=[MinValueValidator(0)], **MONEY)
    tva_rate = models.PositiveSmallIntegerField(_("taux de TVA"), choices=TvaRate.choices, default=TvaRate.STANDARD)
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("opération de main-d'œuvre")
        verbose_name_plural = _("opérations de main-d'œuvre")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name", "id"], name="labour_name_idx")]

    def __str__(self):
        return f"{ltr(self.code)} · {self.name}"
