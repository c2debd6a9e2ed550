from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Length, Replace
from django.db.models.lookups import Exact, In
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workshop.validators import (
    NATIONAL_ID_LENGTHS,
    format_phone,
    format_tax_id,
    normalise_national_id,
    normalise_phone,
    normalise_tax_id,
    normalised_or_raw,
    validate_national_id,
    validate_phone,
    validate_tax_id,
)

from .common import TimeStamped


def _digits_removed(field: str):
    """The column with its digits taken out, in SQL both databases run (SQLite has no regular expressions)."""
    expression = F(field)
    for digit in "0123456789":
        expression = Replace(expression, Value(digit), Value(""))
    return expression


class Customer(TimeStamped):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Particulier")
        BUSINESS = "business", _("Entreprise")
        PUBLIC = "public", _("Organisme public")

    class Language(models.TextChoices):
        FRENCH = "fr", _("Français")
        ARABIC = "ar", _("Arabe")
        ENGLISH = "en", _("Anglais")

    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.INDIVIDUAL)
    first_name = models.CharField(_("prénom"), max_length=80, blank=True)
    last_name = models.CharField(_("nom"), max_length=80, blank=True)
    company_name = models.CharField(_("raison sociale"), max_length=160, blank=True)
    phone = models.CharField(
        _("téléphone"), max_length=16, unique=True, null=True, blank=True, validators=[validate_phone]
    )
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    city = models.CharField(_("ville"), max_length=80, blank=True)
    tax_id = models.CharField(_("matricule fiscal"), max_length=13, blank=True, validators=[validate_tax_id])
    national_id = models.CharField(
        _("CIN ou carte de séjour"),
        max_length=9,
        blank=True,
        validators=[validate_national_id],
        help_text=_("Particulier : 8 chiffres (CIN) ou 9 chiffres (carte de séjour). El Fatoora l'exige."),
    )
    stamp_exempt = models.BooleanField(
        _("exonéré du timbre fiscal"),
        default=False,
        help_text=_("État, organismes publics et clients à l'export."),
    )
    preferred_language = models.CharField(
        _("langue préférée"), max_length=2, choices=Language.choices, default=Language.FRENCH
    )
    sms_consent = models.BooleanField(_("accepte les SMS"), default=True)
    email_consent = models.BooleanField(_("accepte les e-mails"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte de l'application mobile"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customer",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["last_name", "first_name", "company_name", "id"]
        indexes = [
            models.Index(fields=["last_name", "first_name", "company_name", "id"], name="customer_name_idx"),
            models.Index(fields=["company_name"], name="customer_company_idx"),
            models.Index(fields=["city"], name="customer_city_idx"),
            models.Index(fields=["kind"], name="customer_kind_idx"),
            models.Index(fields=["email"], name="customer_email_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="individual", last_name__gt="") | ~Q(kind="individual"),
                name="customer_individual_has_name",
            ),
            models.CheckConstraint(
                condition=Q(kind="individual") | (Q(company_name__gt="") & Q(tax_id__gt="")),
                name="customer_business_has_company_and_tax_id",
            ),
            models.CheckConstraint(
                condition=Q(national_id="")
                | Q(In(Length("national_id"), NATIONAL_ID_LENGTHS), Exact(_digits_removed("national_id"), "")),
                name="customer_national_id_digits",
                violation_error_message=_("La CIN compte 8 chiffres, la carte de séjour 9 chiffres."),
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind != self.Kind.INDIVIDUAL and self.company_name:
            return self.company_name
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)

    @property
    def tax_id_display(self) -> str:
        return format_tax_id(self.tax_id)

    @property
    def is_business(self) -> bool:
        return self.kind != self.Kind.INDIVIDUAL

    def normalise(self) -> None:
        self.phone = normalised_or_raw(normalise_phone, (self.phone or "").strip()) or None
        self.tax_id = normalised_or_raw(normalise_tax_id, (self.tax_id or "").strip())
        self.national_id = normalised_or_raw(normalise_national_id, (self.national_id or "").strip())
        self.email = (self.email or "").strip().lower()
        for field in ("first_name", "last_name", "company_name", "city"):
            setattr(self, field, " ".join((getattr(self, field) or "").split()))

    def clean_fields(self, exclude=None):
        self.normalise()
        super().clean_fields(exclude=exclude)

    def clean(self):
        errors = {}
        if self.kind == self.Kind.INDIVIDUAL and not self.last_name:
            errors["last_name"] = _("Le nom est obligatoire pour un particulier.")
        if self.is_business:
            if not self.company_name:
                errors["company_name"] = _("La raison sociale est obligatoire pour une entreprise.")
            if not self.tax_id:
                errors["tax_id"] = _("Le matricule fiscal est obligatoire pour une entreprise ou un organisme.")
        if not self.phone and not self.email:
            errors["phone"] = _("Indiquez au moins un téléphone ou un e-mail pour joindre le client.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)
