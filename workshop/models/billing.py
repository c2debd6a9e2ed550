"""Invoices and credit notes are frozen snapshots: lines, customer and seller identity are copied in."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from workshop.money import ZERO

from .common import MONEY, QUANTITY, TimeStamped, TvaRate


class PartyIdentity(models.Model):
    """Who sold and who bought, as they were when the document was made."""

    customer_name = models.CharField(_("client"), max_length=160, blank=True)
    customer_address = models.CharField(_("adresse du client"), max_length=255, blank=True)
    customer_city = models.CharField(_("ville du client"), max_length=80, blank=True)
    customer_tax_id = models.CharField(_("matricule fiscal du client"), max_length=13, blank=True)
    customer_phone = models.CharField(_("téléphone du client"), max_length=16, blank=True)
    seller_name = models.CharField(_("vendeur"), max_length=160, blank=True)
    seller_address = models.CharField(_("adresse du vendeur"), max_length=255, blank=True)
    seller_tax_id = models.CharField(_("matricule fiscal du vendeur"), max_length=13, blank=True)
    seller_rne = models.CharField(_("RNE du vendeur"), max_length=30, blank=True)
    seller_phone = models.CharField(_("téléphone du vendeur"), max_length=20, blank=True)
    seller_rib = models.CharField(_("RIB du vendeur"), max_length=30, blank=True)

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


class Invoice(PartyIdentity, DocumentTotals, TimeStamped):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        ISSUED = "issued", _("Émise")
        PARTIALLY_PAID = "partially_paid", _("Partiellement payée")
        PAID = "paid", _("Payée")
        CANCELLED = "cancelled", _("Annulée")

    number = models.CharField(_("numéro"), max_length=20, unique=True, null=True, blank=True, editable=False)
    status = models.CharField(_("statut"), max_length=15, choices=Status.choices, default=Status.DRAFT)
    service = models.ForeignKey(
        "workshop.Service",
        verbose_name=_("ordre de réparation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    customer = models.ForeignKey(
        "workshop.Customer", verbose_name=_("client"), on_delete=models.PROTECT, related_name="invoices"
    )
    issue_date = models.DateField(_("date"), null=True, blank=True)
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(_("délai de paiement (jours)"), default=30)
    stamp_exempt = models.BooleanField(_("exonérée du timbre"), default=False)
    amount_paid = models.DecimalField(_("encaissé"), default=ZERO, **MONEY)
    amount_withheld = models.DecimalField(_("retenue à la source"), default=ZERO, **MONEY)
    amount_credited = models.DecimalField(_("avoirs"), default=ZERO, **MONEY)
    issued_at = models.DateTimeField(_("émise le"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("émise par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("mentions"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="invoice_created_idx"),
            models.Index(fields=["status", "due_date"], name="invoice_status_due_idx"),
            models.Index(fields=["issue_date"], name="invoice_issue_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False, issue_date__isnull=False),
                name="invoice_issued_has_number_and_date",
            ),
        ]

    def __str__(self):
        return self.number or _("Brouillon n° %(id)s") % {"id": self.pk}

    @property
    def balance_due(self):
        return self.net_to_pay - self.amount_paid - self.amount_withheld - self.amount_credited


class InvoiceLine(DocumentLine):
    invoice = models.ForeignKey(Invoice, verbose_name=_("facture"), on_delete=models.CASCADE, related_name="lines")
    part = models.ForeignKey(
        "workshop.Part", verbose_name=_("pièce"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    unit_cost = models.DecimalField(_("coût unitaire HT"), default=ZERO, **MONEY)

    class Meta:
        verbose_name = _("ligne de facture")
        verbose_name_plural = _("lignes de facture")
        ordering = ["invoice", "position", "id"]
        indexes = [models.Index(fields=["invoice", "position", "id"], name="invoiceline_position_idx")]


class Payment(TimeStamped):
    class Method(models.TextChoices):
        CASH = "cash", _("Espèces")
        CHEQUE = "cheque", _("Chèque")
        CARD = "card", _("Carte bancaire")
        TRANSFER = "transfer", _("Virement")

    invoice = models.ForeignKey(Invoice, verbose_name=_("facture"), on_delete=models.PROTECT, related_name="payments")
    date = models.DateField(_("date"))
    method = models.CharField(_("mode"), max_length=10, choices=Method.choices, default=Method.CASH)
    amount = models.DecimalField(_("montant encaissé"), validators=[MinValueValidator(0)], **MONEY)
    withholding_amount = models.DecimalField(
        _("retenue à la source"), default=ZERO, validators=[MinValueValidator(0)], **MONEY
    )
    withholding_certificate = models.CharField(_("n° du certificat de retenue"), max_length=40, blank=True)
    reference = models.CharField(_("référence (chèque, virement…)"), max_length=60, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reçu par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["-date", "-id"], name="payment_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0, withholding_amount__gte=0) & (Q(amount__gt=0) | Q(withholding_amount__gt=0)),
                name="payment_positive",
            ),
        ]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} · {self.get_method_display()} · {self.amount}"

    @property
    def settled_amount(self):
        return self.amount + self.withholding_amount


class CreditNote(PartyIdentity, DocumentTotals, TimeStamped):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        ISSUED = "issued", _("Émis")

    number = models.CharField(_("numéro"), max_length=20, unique=True, null=True, blank=True, editable=False)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    invoice = models.ForeignKey(
        Invoice, verbose_name=_("facture"), on_delete=models.PROTECT, related_name="credit_notes"
    )
    customer = models.ForeignKey(
        "workshop.Customer", verbose_name=_("client"), on_delete=models.PROTECT, related_name="credit_notes"
    )
    is_total = models.BooleanField(_("avoir total"), default=False)
    reason = models.CharField(_("motif"), max_length=255)
    issue_date = models.DateField(_("date"), null=True, blank=True)
    issued_at = models.DateTimeField(_("émis le"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("émis par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("avoir")
        verbose_name_plural = _("avoirs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="creditnote_created_idx"),
            models.Index(fields=["issue_date"], name="creditnote_issue_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False, issue_date__isnull=False),
                name="creditnote_issued_has_number_and_date",
            ),
        ]

    def __str__(self):
        return self.number or _("Avoir brouillon n° %(id)s") % {"id": self.pk}


class CreditNoteLine(DocumentLine):
    credit_note = models.ForeignKey(CreditNote, verbose_name=_("avoir"), on_delete=models.CASCADE, related_name="lines")
    invoice_line = models.ForeignKey(
        InvoiceLine, verbose_name=_("ligne de facture"), on_delete=models.PROTECT, related_name="credit_lines"
    )

    class Meta:
        verbose_name = _("ligne d'avoir")
        verbose_name_plural = _("lignes d'avoir")
        ordering = ["credit_note", "position", "id"]
