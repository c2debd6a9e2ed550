from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workshop.bidi import ltr
from workshop.validators import (
    date_bounds_check,
    normalise_plate,
    normalise_vin,
    normalised_or_raw,
    plate_in_arabic,
    validate_planned_date,
    validate_plate,
    validate_vin,
)

from .common import TimeStamped

FIRST_CAR_YEAR = 1950
LAST_CAR_YEAR = 2100


def validate_registration_date(value) -> None:
    """A car first registered from 1950 to today (older than the garage's other dates: no 2000 floor)."""
    if value is None:
        return
    today = timezone.localdate()
    if not date(FIRST_CAR_YEAR, 1, 1) <= value <= today:
        raise ValidationError(
            _("Date de première mise en circulation hors de la plage acceptée : %(value)s (du %(low)s au %(high)s)."),
            code="date_out_of_range",
            params={
                "value": value.strftime("%d/%m/%Y"),
                "low": f"01/01/{FIRST_CAR_YEAR}",
                "high": today.strftime("%d/%m/%Y"),
            },
        )


class Car(TimeStamped):
    class Fuel(models.TextChoices):
        PETROL = "petrol", _("Essence")
        DIESEL = "diesel", _("Diesel")
        LPG = "lpg", _("GPL")
        HYBRID = "hybrid", _("Hybride")
        ELECTRIC = "electric", _("Électrique")

    class Category(models.TextChoices):
        """The use the registration states: it sets the technical inspection's rhythm (ECAR_INSPECTION_RULES)."""

        PRIVATE = "private", _("Voiture particulière")
        UTILITY = "utility", _("Véhicule utilitaire")
        TAXI = "taxi", _("Taxi")
        LOUAGE = "louage", _("Louage")
        RURAL = "rural", _("Transport rural")
        DRIVING_SCHOOL = "driving_school", _("Auto-école")

    owner = models.ForeignKey(
        "workshop.Customer", verbose_name=_("propriétaire"), on_delete=models.PROTECT, related_name="cars"
    )
    plate = models.CharField(_("immatriculation"), max_length=20, unique=True, validators=[validate_plate])
    vin = models.CharField(
        _("VIN (n° de châssis)"), max_length=17, unique=True, null=True, blank=True, validators=[validate_vin]
    )
    make = models.CharField(_("marque"), max_length=40)
    model = models.CharField(_("modèle"), max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(
        _("année"),
        null=True,
        blank=True,
        validators=[MinValueValidator(FIRST_CAR_YEAR), MaxValueValidator(LAST_CAR_YEAR)],
    )
    fuel = models.CharField(_("carburant"), max_length=10, choices=Fuel.choices, blank=True)
    mileage = models.PositiveIntegerField(_("kilométrage"), default=0)
    next_service_date = models.DateField(
        _("prochain entretien (date)"), null=True, blank=True, validators=[validate_planned_date]
    )
    next_service_mileage = models.PositiveIntegerField(_("prochain entretien (km)"), null=True, blank=True)
    category = models.CharField(_("catégorie"), max_length=14, choices=Category.choices, default=Category.PRIVATE)
    first_registration = models.DateField(
        _("première mise en circulation"),
        null=True,
        blank=True,
        validators=[validate_registration_date],
        help_text=_("Date de la carte grise : elle fixe les échéances de la visite technique."),
    )
    # Empty: the garage's defaults (ECAR_SERVICE_INTERVAL_MONTHS / _KM); a car may need shorter ones.
    service_interval_months = models.PositiveSmallIntegerField(
        _("intervalle d'entretien (mois)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Vide : l'intervalle de l'atelier."),
    )
    service_interval_km = models.PositiveIntegerField(
        _("intervalle d'entretien (km)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1000), MaxValueValidator(100000)],
        help_text=_("Vide : l'intervalle de l'atelier."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("véhicule")
        verbose_name_plural = _("véhicules")
        ordering = ["plate"]
        indexes = [
            models.Index(fields=["make", "model"], name="car_make_model_idx"),
            models.Index(fields=["fuel"], name="car_fuel_idx"),
            models.Index(fields=["next_service_date"], name="car_next_service_idx"),
            models.Index(fields=["first_registration"], name="car_first_registration_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__isnull=True) | models.Q(year__gte=FIRST_CAR_YEAR, year__lte=LAST_CAR_YEAR),
                name="car_year_plausible",
            ),
            date_bounds_check("next_service_date", "car_next_service_date_in_range"),
            models.CheckConstraint(
                condition=models.Q(first_registration__isnull=True)
                | models.Q(
                    first_registration__gte=date(FIRST_CAR_YEAR, 1, 1),
                    first_registration__lte=date(LAST_CAR_YEAR, 12, 31),
                ),
                name="car_first_registration_plausible",
            ),
        ]

    def __str__(self):
        return f"{ltr(self.plate)} · {self.make} {self.model}".strip()

    @property
    def plate_arabic(self) -> str:
        return plate_in_arabic(self.plate)

    def normalise(self) -> None:
        self.plate = normalised_or_raw(normalise_plate, (self.plate or "").strip())
        self.vin = normalised_or_raw(normalise_vin, (self.vin or "").strip()) or None
        self.make = " ".join((self.make or "").split())
        self.model = " ".join((self.model or "").split())

    def clean_fields(self, exclude=None):
        self.normalise()
        super().clean_fields(exclude=exclude)

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)
