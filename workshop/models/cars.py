from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

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


class Car(TimeStamped):
    class Fuel(models.TextChoices):
        PETROL = "petrol", _("Essence")
        DIESEL = "diesel", _("Diesel")
        LPG = "lpg", _("GPL")
        HYBRID = "hybrid", _("Hybride")
        ELECTRIC = "electric", _("Électrique")

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
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("véhicule")
        verbose_name_plural = _("véhicules")
        ordering = ["plate"]
        indexes = [
            models.Index(fields=["make", "model"], name="car_make_model_idx"),
            models.Index(fields=["fuel"], name="car_fuel_idx"),
            models.Index(fields=["next_service_date"], name="car_next_service_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__isnull=True) | models.Q(year__gte=FIRST_CAR_YEAR, year__lte=LAST_CAR_YEAR),
                name="car_year_plausible",
            ),
            date_bounds_check("next_service_date", "car_next_service_date_in_range"),
        ]

    def __str__(self):
        return f"{self.plate} · {self.make} {self.model}".strip()

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
