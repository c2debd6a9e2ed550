from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workshop.money import ZERO, line_amounts

from .common import MONEY, QUANTITY, DocumentSequence, TimeStamped, TvaRate


class ServiceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Mechanics see the jobs assigned to them; roles with `view_all_services` see every job."""
        if user.has_perm("workshop.view_all_services"):
            return self
        return self.filter(mechanic=user)


class Service(TimeStamped):
    """A repair order (ordre de réparation): one visit of one car, for the customer who brought it."""

    class Kind(models.TextChoices):
        MAINTENANCE = "maintenance", _("Entretien")
        REPAIR = "repair", _("Réparation")
        DIAGNOSIS = "diagnosis", _("Diagnostic")
        INSPECTION = "inspection", _("Contrôle")
        BODYWORK = "bodywork", _("Carrosserie")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Reçu")
        DIAGNOSED = "diagnosed", _("Devis prêt")
        APPROVED = "approved", _("Accepté")
        IN_PROGRESS = "in_progress", _("En cours")
        WAITING_PARTS = "waiting_parts", _("En attente de pièces")
        COMPLETED = "completed", _("Terminé")
        INVOICED = "invoiced", _("Facturé")
        DELIVERED = "delivered", _("Livré")
        CANCELLED = "cancelled", _("Annulé")

    reference = models.CharField(_("référence"), max_length=20, unique=True, editable=False)
    car = models.ForeignKey(
        "workshop.Car", verbose_name=_("véhicule"), on_delete=models.PROTECT, related_name="services"
    )
    customer = models.ForeignKey(
        "workshop.Customer", verbose_name=_("client"), on_delete=models.PROTECT, related_name="services"
    )
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.MAINTENANCE)
    status = models.CharField(_("statut"), max_length=15, choices=Status.choices, default=Status.RECEIVED)
    complaint = models.TextField(_("demande du client"), blank=True)
    diagnosis = models.TextField(_("diagnostic"), blank=True)
    mileage_in = models.PositiveIntegerField(_("kilométrage à l'entrée"), null=True, blank=True)
    mechanic = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mécanicien"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_services",
    )
    received_at = models.DateTimeField(_("reçu le"), default=timezone.now)
    promised_at = models.DateTimeField(_("promis pour le"), null=True, blank=True)
    completed_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("livré le"), null=True, blank=True)
    total_ht = models.DecimalField(_("total HT"), default=ZERO, editable=False, **MONEY)
    total_tva = models.DecimalField(_("total TVA"), default=ZERO, editable=False, **MONEY)
    total_ttc = models.DecimalField(_("total TTC"), default=ZERO, editable=False, **MONEY)
    history = HistoricalRecords()

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("ordre de réparation")
        verbose_name_plural = _("ordres de réparation")
        ordering = ["-received_at", "-id"]
        permissions = [("view_all_services", _("Voir tous les ordres de réparation"))]
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="service_received_idx"),
            models.Index(fields=["status", "-received_at"], name="service_status_idx"),
            models.Index(fields=["kind", "-received_at"], name="service_kind_idx"),
            models.Index(fields=["mechanic", "status"], name="service_mechanic_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(completed_at__gte=models.F("received_at")),
                name="service_completed_after_received",
            ),
        ]

    def __str__(self):
        return self.reference or _("Nouvel ordre de réparation")

    def clean(self):
        if self.car_id and not self.customer_id:
            self.customer_id = self.car.owner_id
        if self.promised_at and self.received_at and self.promised_at < self.received_at:
            raise ValidationError({"promised_at": _("La date promise précède la réception du véhicule.")})

    def save(self, *args, **kwargs):
        if self.car_id and not self.customer_id:
            self.customer_id = self.car.owner_id
        if not self.reference:
            with transaction.atomic():
                year = timezone.localtime(self.received_at).year
                number = DocumentSequence.next_value(f"OR-{year}")
                self.reference = f"OR-{year}-{number:05d}"
                return super().save(*args, **kwargs)
        return super().save(*args, **kwargs)

    def refresh_totals(self) -> None:
        """Keep the stored totals equal to the sum of the rounded lines (lists show them without a join)."""
        sums = self.items.aggregate(ht=Sum("total_ht"), tva=Sum("total_tva"), ttc=Sum("total_ttc"))
        self.total_ht, self.total_tva, self.total_ttc = (sums[k] or ZERO for k in ("ht", "tva", "ttc"))
        Service.objects.filter(pk=self.pk).update(
            total_ht=self.total_ht, total_tva=self.total_tva, total_ttc=self.total_ttc
        )


class ServiceItem(models.Model):
    """A part or labour line of a job; amounts are computed, never typed."""

    class Kind(models.TextChoices):
        PART = "part", _("Pièce")
        LABOUR = "labour", _("Main-d'œuvre")

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
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ligne d'intervention")
        verbose_name_plural = _("lignes d'intervention")
        ordering = ["service", "position", "id"]
        permissions = [("change_item_price", _("Modifier les prix et remises des lignes"))]
        indexes = [models.Index(fields=["service", "position", "id"], name="item_service_position_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0, discount_percent__lte=100), name="item_discount_percent_range"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="item_quantity_not_negative"),
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

    def clean(self):
        self.fill_from_catalogue()
        if not self.description:
            raise ValidationError({"description": _("Indiquez une désignation ou choisissez un article du catalogue.")})
        if self.unit_price is None:
            raise ValidationError({"unit_price": _("Indiquez le prix unitaire HT.")})

    def save(self, *args, **kwargs):
        self.fill_from_catalogue()
        self.compute_totals()
        with transaction.atomic():
            super().save(*args, **kwargs)
            self.service.refresh_totals()

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            self.service.refresh_totals()
        return result
