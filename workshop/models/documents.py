"""What invoices and credit notes are made of: the parties' and the car's frozen copy, the totals, the lines.

Abstract models only (no table of their own); the documents are in `invoices` and `credit_notes`.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from workshop.money import ZERO, line_amounts

from .common import MONEY, QUANTITY, TvaRate, refusal
from .jobs import Service


@refusal(_("La facture n'a aucune ligne."))
def has_lines(document) -> bool:
    return document.pk is not None and document.lines.exists()


# The customer's copy on a document, in the order the admin shows it.
CUSTOMER_COPY_FIELDS = (
    "customer_name",
    "customer_address",
    "customer_city",
    "customer_tax_id",
    "customer_national_id",
    "customer_phone",
)
# The garage's copy on a document, in the same order.
SELLER_COPY_FIELDS = (
    "seller_name",
    "seller_address",
    "seller_tax_id",
    "seller_rne",
    "seller_phone",
    "seller_rib",
    "seller_bank_name",
    "seller_email",
    "seller_logo",
    "printed_footer",
)


class PartyIdentity(models.Model):
    """Who sold and who bought, as they were when the document was made."""

    customer_name = models.CharField(_("client"), max_length=160, blank=True)
    customer_address = models.CharField(_("adresse du client"), max_length=255, blank=True)
    customer_city = models.CharField(_("ville du client"), max_length=80, blank=True)
    customer_tax_id = models.CharField(_("matricule fiscal du client"), max_length=13, blank=True)
    customer_national_id = models.CharField(_("CIN ou carte de séjour du client"), max_length=9, blank=True)
    customer_phone = models.CharField(_("téléphone du client"), max_length=16, blank=True)
    customer_kind = models.CharField(_("type de client"), max_length=12, blank=True)
    seller_name = models.CharField(_("vendeur"), max_length=160, blank=True)
    seller_address = models.CharField(_("adresse du vendeur"), max_length=255, blank=True)
    seller_tax_id = models.CharField(_("matricule fiscal du vendeur"), max_length=13, blank=True)
    seller_rne = models.CharField(_("RNE du vendeur"), max_length=30, blank=True)
    seller_phone = models.CharField(_("téléphone du vendeur"), max_length=20, blank=True)
    seller_rib = models.CharField(_("RIB du vendeur"), max_length=30, blank=True)
    # What the printed document shows besides the parties, frozen when it is issued (see workshop.printing).
    seller_bank_name = models.CharField(_("banque du vendeur"), max_length=80, blank=True)
    seller_email = models.CharField(_("e-mail du vendeur"), max_length=254, blank=True)
    seller_logo = models.CharField(_("logo imprimé"), max_length=255, blank=True)
    printed_footer = models.TextField(_("pied de page imprimé"), blank=True)

    class Meta:
        abstract = True


class VehicleIdentity(models.Model):
    """The car worked on, as it was at the visit (Tunisian garage invoices name it); copied from the job."""

    vehicle_plate = models.CharField(_("immatriculation"), max_length=20, blank=True)
    vehicle_make_model = models.CharField(_("marque et modèle"), max_length=101, blank=True)
    vehicle_vin = models.CharField(_("VIN (n° de châssis)"), max_length=17, blank=True)
    vehicle_mileage = models.PositiveIntegerField(_("kilométrage à l'entrée"), null=True, blank=True)

    class Meta:
        abstract = True


class JobIdentity(models.Model):
    """The job's kind and mechanic, copied at issue like the parties and the car: the revenue report groups a year
    of invoices by them without joining their 500,000 jobs, and an issued invoice keeps what it was."""

    job_kind = models.CharField(
        _("type d'intervention"), max_length=12, choices=Service.Kind.choices, blank=True, editable=False
    )
    mechanic = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mécanicien"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        abstract = True


class DocumentTotals(models.Model):
    total_ht = models.DecimalField(_("total HT"), default=ZERO, **MONEY)
    total_tva = models.DecimalField(_("total TVA"), default=ZERO, **MONEY)
    total_ttc = models.DecimalField(_("total TTC"), default=ZERO, **MONEY)
    stamp_duty = models.DecimalField(_("timbre fiscal"), default=ZERO, **MONEY)
    net_to_pay = models.DecimalField(_("net à payer"), default=ZERO, **MONEY)

    class Meta:
        abstract = True


class DocumentLine(models.Model):
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    kind = models.CharField(_("type"), max_length=6, default="part")
    reference = models.CharField(_("référence"), max_length=40, blank=True)
    description = models.CharField(_("désignation"), max_length=255)
    quantity = models.DecimalField(_("quantité"), validators=[MinValueValidator(0)], **QUANTITY)
    unit_price = models.DecimalField(_("prix unitaire HT"), validators=[MinValueValidator(0)], **MONEY)
    discount_percent = models.DecimalField(
        _("remise %"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    tva_rate = models.PositiveSmallIntegerField(_("TVA"), choices=TvaRate.choices, default=TvaRate.STANDARD)
    total_ht = models.DecimalField(_("total HT"), default=ZERO, **MONEY)
    total_tva = models.DecimalField(_("TVA"), default=ZERO, **MONEY)
    total_ttc = models.DecimalField(_("total TTC"), default=ZERO, **MONEY)

    class Meta:
        abstract = True

    def __str__(self):
        return self.description

    def compute_totals(self) -> None:
        self.total_ht, self.total_tva, self.total_ttc = line_amounts(
            quantity=self.quantity,
            unit_price=self.unit_price,
            discount_percent=self.discount_percent,
            tva_rate=self.tva_rate,
        )


def tva_breakdown(lines) -> list[dict]:
    """Base and TVA per rate, each the sum of the rounded lines (what the invoice prints), highest rate first."""
    rows: dict[int, dict] = {}
    for line in lines:
        row = rows.setdefault(line.tva_rate, {"rate": line.tva_rate, "base": ZERO, "tva": ZERO})
        row["base"] += line.total_ht
        row["tva"] += line.total_tva
    return sorted(rows.values(), key=lambda row: -row["rate"])
