"""A job's part and labour lines: pricing from the catalogue, the customer's decision, the freeze once invoiced."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workshop.money import ZERO, line_amounts

from .common import MONEY, QUANTITY, GuardedQuerySet, LockedError, TvaRate
from .jobs import Service, line_terms

FROZEN_ITEMS_MESSAGE = _(
    "Les lignes d'un ordre de réparation facturé sont figées : modifiez la facture brouillon ou établissez un avoir."
)


class ServiceItemQuerySet(GuardedQuerySet):
    """Bulk edits obey the same freeze as single saves."""

    locked_rows = Q(service__status__in=Service.FROZEN_STATUSES)
    locked_message = FROZEN_ITEMS_MESSAGE


class ServiceItem(models.Model):
    """A part or labour line of a job; amounts are computed, never typed. Frozen once the job is invoiced."""

    class Kind(models.TextChoices):
        PART = "part", _("Pièce")
        LABOUR = "labour", _("Main-d'œuvre")

    class Decision(models.TextChoices):
        PROPOSED = "proposed", _("Proposé")
        APPROVED = "approved", _("Accepté")
        DECLINED = "declined", _("Refusé")

    service = models.ForeignKey(
        Service, verbose_name=_("ordre de réparation"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    kind = models.CharField(_("type"), max_length=6, choices=Kind.choices, default=Kind.PART)
    part = models.ForeignKey(
        "workshop.Part", verbose_name=_("pièce"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    labour = models.ForeignKey(
        "workshop.LabourOperation",
        verbose_name=_("main-d'œuvre"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.CharField(_("désignation"), max_length=255, blank=True)
    quantity = models.DecimalField(_("quantité"), default=1, validators=[MinValueValidator(0)], **QUANTITY)
    unit_price = models.DecimalField(
        _("prix unitaire HT"),
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Vide : le prix du catalogue."),
        **MONEY,
    )
    discount_percent = models.DecimalField(
        _("remise %"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    tva_rate = models.PositiveSmallIntegerField(_("TVA"), choices=TvaRate.choices, default=TvaRate.STANDARD)
    total_ht = models.DecimalField(_("total HT"), default=ZERO, editable=False, **MONEY)
    total_tva = models.DecimalField(_("TVA"), default=ZERO, editable=False, **MONEY)
    total_ttc = models.DecimalField(_("total TTC"), default=ZERO, editable=False, **MONEY)
    recommended = models.BooleanField(
        _("recommandé"),
        default=False,
        help_text=_("Conseillé mais pas nécessaire à la réparation demandée : le client peut ne pas y répondre."),
    )
    decision = models.CharField(
        _("décision du client"), max_length=8, choices=Decision.choices, default=Decision.PROPOSED, editable=False
    )
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True, editable=False)
    # The line's terms when it was decided: a change to them asks the customer again (`save`).
    decided_terms = models.CharField(max_length=64, blank=True, editable=False)
    history = HistoricalRecords()

    objects = ServiceItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("ligne d'intervention")
        verbose_name_plural = _("lignes d'intervention")
        ordering = ["service", "position", "id"]
        permissions = [("change_item_price", _("Modifier les prix et remises des lignes"))]
        indexes = [
            models.Index(fields=["service", "position", "id"], name="item_service_position_idx"),
            # The labour hours sold (activity report): the hours of each job's labour lines, read from the index.
            models.Index(fields=["service"], include=["quantity"], condition=Q(kind="labour"), name="item_labour_idx"),
            # Whether a job still has a line waiting for the customer's answer (the dashboard's list).
            models.Index(fields=["service"], condition=Q(decision="proposed"), name="item_proposed_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0, discount_percent__lte=100), name="item_discount_percent_range"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="item_quantity_not_negative"),
            models.CheckConstraint(
                condition=Q(decision="proposed", decided_at__isnull=True, decided_terms="")
                | (Q(decision__in=["approved", "declined"], decided_at__isnull=False) & ~Q(decided_terms="")),
                name="item_decision_has_its_evidence",
            ),
        ]

    def __str__(self):
        return self.description

    def fill_from_catalogue(self) -> None:
        """A catalogue pick fills what the adviser left blank (description, price, rate, hours)."""
        if self.part_id:
            self.kind = self.Kind.PART
            self.description = self.description or self.part.name
            if self.unit_price is None:
                self.unit_price = self.part.unit_price
                self.tva_rate = self.part.tva_rate
        elif self.labour_id:
            self.kind = self.Kind.LABOUR
            self.description = self.description or self.labour.name
            if self.unit_price is None:
                self.unit_price = self.labour.hourly_rate
                self.tva_rate = self.labour.tva_rate

    def compute_totals(self) -> None:
        self.total_ht, self.total_tva, self.total_ttc = line_amounts(
            quantity=self.quantity,
            unit_price=self.unit_price or 0,
            discount_percent=self.discount_percent,
            tva_rate=self.tva_rate,
        )

    def terms(self) -> str:
        """What the customer agrees to on this line (see `line_terms`); computed totals included."""
        return line_terms(
            description=self.description,
            quantity=self.quantity,
            unit_price=self.unit_price or 0,
            discount_percent=self.discount_percent,
            tva_rate=self.tva_rate,
            total_ttc=self.total_ttc,
        )

    @classmethod
    def billable_rows(cls, service) -> Q:
        """`billable_on` as a filter on one job's lines."""
        if service.approved_at is None:
            return ~Q(decision=cls.Decision.DECLINED)
        return Q(decision=cls.Decision.APPROVED)

    def billable_on(self, service) -> bool:
        """Worked on and invoiced: an approved line; on a job never approved (data entered past the estimate)
        every line not declined."""
        if self.decision == self.Decision.DECLINED:
            return False
        return self.decision == self.Decision.APPROVED or service.approved_at is None

    def _ask_again_if_changed(self) -> bool:
        """A decided line whose terms changed goes back to « proposé »; True when the customer is to be asked."""
        if self.decision != self.Decision.PROPOSED and self.decided_terms != self.terms():
            self.decision, self.decided_at, self.decided_terms = self.Decision.PROPOSED, None, ""
            return True
        return self.pk is None and self.decision == self.Decision.PROPOSED

    def clean(self):
        self.fill_from_catalogue()
        if not self.description:
            raise ValidationError({"description": _("Indiquez une désignation ou choisissez un article du catalogue.")})
        if self.unit_price is None:
            raise ValidationError({"unit_price": _("Indiquez le prix unitaire HT.")})

    def _refuse_if_frozen(self) -> None:
        """Ask the database, not the cached job: another user may have invoiced it since it was loaded."""
        if Service.objects.filter(pk=self.service_id, status__in=Service.FROZEN_STATUSES).exists():
            raise LockedError(FROZEN_ITEMS_MESSAGE)

    def save(self, *args, **kwargs):
        self.fill_from_catalogue()
        self.compute_totals()
        ask_again = self._ask_again_if_changed()
        with transaction.atomic():
            self._refuse_if_frozen()
            super().save(*args, **kwargs)
            self.service.refresh_totals()
            if ask_again and Service.objects.filter(pk=self.service_id, approved_at__isnull=False).exists():
                from workshop.approvals.links import ask_again_on_commit

                ask_again_on_commit(service_id=self.service_id)

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            self._refuse_if_frozen()
            result = super().delete(*args, **kwargs)
            self.service.refresh_totals()
        return result
