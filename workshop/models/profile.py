from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workshop.validators import format_tax_id, normalise_tax_id, normalised_or_raw, validate_tax_id


class WorkshopProfile(models.Model):
    """The garage's own identity, printed on every document. Exactly one row (pk 1)."""

    name = models.CharField(_("raison sociale"), max_length=160)
    address = models.CharField(_("adresse"), max_length=255)
    city = models.CharField(_("ville"), max_length=80, blank=True)
    tax_id = models.CharField(_("matricule fiscal"), max_length=13, validators=[validate_tax_id])
    rne = models.CharField(_("identifiant RNE"), max_length=30, blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    bank_name = models.CharField(_("banque"), max_length=80, blank=True)
    rib = models.CharField(_("RIB"), max_length=30, blank=True)
    logo = models.ImageField(_("logo"), upload_to="workshop/", blank=True)
    default_payment_terms_days = models.PositiveSmallIntegerField(_("délai de paiement (jours)"), default=30)
    invoice_footer = models.TextField(_("pied de facture"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("identité de l'atelier")
        verbose_name_plural = _("identité de l'atelier")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="workshopprofile_single_row")]

    def __str__(self):
        return self.name

    @property
    def tax_id_display(self) -> str:
        return format_tax_id(self.tax_id)

    @classmethod
    def load(cls) -> "WorkshopProfile | None":
        return cls.objects.filter(pk=1).first()

    def clean_fields(self, exclude=None):
        self.tax_id = normalised_or_raw(normalise_tax_id, (self.tax_id or "").strip())
        super().clean_fields(exclude=exclude)

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
