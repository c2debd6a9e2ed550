"""Invoices and credit notes are frozen snapshots: lines, customer and seller identity are copied in.

Once issued they are never edited nor deleted, whoever asks: the guards below sit under the admin, in
save(), delete() and the querysets' update()/delete(). Only the settlement fields of an issued invoice
(what was paid, withheld, credited, and the resulting status) still move, through its transitions.
The operations themselves (create, issue, pay, credit) live in `workshop.billing`.
"""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransition, ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from workshop.invariants import SETTLEMENT_COLUMNS
from workshop.money import ZERO, amount_in_words, line_amounts, percent_of
from workshop.validators import date_bounds_check, validate_past_date

from .common import (
    MONEY,
    QUANTITY,
    DocumentSequence,
    GuardedQuerySet,
    LockedError,
    StateMachineStatusMixin,
    TimeStamped,
    TvaRate,
    database_refusals,
    refusal,
)

ISSUED_INVOICE_MESSAGE = _(
    "Une facture émise ne peut être ni modifiée ni supprimée : établissez un avoir pour l'annuler ou la corriger."
)
ISSUED_CREDIT_NOTE_MESSAGE = _("Un avoir émis ne peut être ni modifié ni supprimé.")
PAYMENT_LOCKED_MESSAGE = _(
    "Un paiement enregistré ne peut être ni modifié ni supprimé : il est inscrit au règlement de la facture."
)
SETTLEMENT_FIELDS = frozenset(SETTLEMENT_COLUMNS)  # the database's list: workshop.invariants


@refusal(_("La facture n'a aucune ligne."))
def has_lines(document) -> bool:
    return document.pk is not None and document.lines.exists()


@refusal(_("Le total TTC de la facture est nul."))
def has_positive_total(invoice) -> bool:
    return invoice.total_ttc > 0


@refusal(_("Il n'y a rien à rendre au client sur cette facture."))
def has_money_to_return(invoice) -> bool:
    return invoice.money_to_return > 0


# The customer's copy on a document, in the order the admin shows it.
CUSTOMER_COPY_FIELDS = (
    "customer_name",
    "customer_address",
    "customer_city",
    "customer_tax_id",
    "customer_national_id",
    "customer_phone",
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


class InvoiceQuerySet(GuardedQuerySet):
    locked_rows = ~Q(status="draft")
    locked_message = ISSUED_INVOICE_MESSAGE

    def with_balance(self):
        return self.alias(
            balance=F("net_to_pay")
            - F("amount_paid")
            - F("amount_withheld")
            - F("amount_credited")
            + F("amount_refunded")
        )

    def receivable(self):
        """Issued invoices that still have something due, and cancelled ones that still owe the customer money."""
        open_ = Q(status__in=[Invoice.Status.ISSUED, Invoice.Status.PARTIALLY_PAID])
        return self.with_balance().filter(open_ | Q(status=Invoice.Status.CANCELLED, balance__lt=0))


class Invoice(
    StateMachineStatusMixin, ConcurrentTransitionMixin, PartyIdentity, VehicleIdentity, DocumentTotals, TimeStamped
):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        ISSUED = "issued", _("Émise")
        PARTIALLY_PAID = "partially_paid", _("Partiellement payée")
        PAID = "paid", _("Payée")
        CANCELLED = "cancelled", _("Annulée")

    number = models.CharField(_("numéro"), max_length=20, unique=True, null=True, blank=True, editable=False)
    status = FSMField(_("statut"), max_length=15, choices=Status.choices, default=Status.DRAFT, protected=True)
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
    issue_date = models.DateField(_("date"), null=True, blank=True, validators=[validate_past_date])
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(_("délai de paiement (jours)"), default=30)
    stamp_exempt = models.BooleanField(_("exonérée du timbre"), default=False)
    amount_paid = models.DecimalField(_("encaissé"), default=ZERO, **MONEY)
    amount_withheld = models.DecimalField(_("retenue à la source"), default=ZERO, **MONEY)
    amount_credited = models.DecimalField(_("avoirs"), default=ZERO, **MONEY)
    amount_refunded = models.DecimalField(_("rendu au client"), default=ZERO, **MONEY)
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

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["-created_at", "-id"]
        permissions = [("issue_invoice", _("Émettre une facture (numéro définitif)"))]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="invoice_created_idx"),
            models.Index(fields=["status", "due_date"], name="invoice_status_due_idx"),
            models.Index(fields=["issue_date"], name="invoice_issue_date_idx"),
            # The receivables and the dashboard read only what is owed (open, and cancelled with money to give
            # back): a few columns of a small part of a wide table, read from this index alone (PostgreSQL).
            models.Index(
                fields=["customer", "issue_date"],
                include=[
                    "id",
                    "status",
                    "due_date",
                    "net_to_pay",
                    "amount_paid",
                    "amount_withheld",
                    "amount_credited",
                    "amount_refunded",
                    "customer_name",
                ],
                condition=Q(status__in=("issued", "partially_paid", "cancelled")),
                name="invoice_owing_idx",
            ),
            # Revenue, TVA, parts and the dashboard read the amounts of every numbered invoice of a period (most
            # of a wide table), and the job (kind, mechanic) of each: from this index alone on PostgreSQL.
            models.Index(
                fields=["issue_date"],
                include=[
                    "id",
                    "status",
                    "service",
                    "stamp_duty",
                    "total_ht",
                    "total_tva",
                    "total_ttc",
                    "amount_credited",
                    "amount_paid",
                    "amount_withheld",
                    "net_to_pay",
                    "amount_refunded",
                ],
                condition=Q(status__in=("issued", "partially_paid", "paid", "cancelled")),
                name="invoice_issued_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False, issue_date__isnull=False),
                name="invoice_issued_has_number_and_date",
            ),
            date_bounds_check("issue_date", "invoice_issue_date_in_range"),
            # One invoice in force per job, drafts included: billing twice at once cannot make two.
            models.UniqueConstraint(
                fields=["service"],
                condition=~Q(status="cancelled"),
                name="invoice_one_in_force_per_service",
                violation_error_message=_("Cet ordre de réparation a déjà une facture en cours."),
            ),
        ]

    def __str__(self):
        return self.number or _("Brouillon n° %(id)s") % {"id": self.pk}

    @property
    def balance_due(self):
        """What the customer still owes; negative while money received on a cancelled invoice is not yet
        refunded or kept as customer credit (`amount_refunded` counts both)."""
        return self.net_to_pay - self.amount_paid - self.amount_withheld - self.amount_credited + self.amount_refunded

    @property
    def money_to_return(self):
        """What the garage owes the customer on this invoice (money received, then cancelled by a credit note)."""
        return max(ZERO, -self.balance_due)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def withholding_eligible(self) -> bool:
        """A business or public body paying an invoice of the threshold or more withholds part of it."""
        is_company = self.customer_kind in ("business", "public")
        return is_company and self.total_ttc >= settings.ECAR_WITHHOLDING_THRESHOLD

    @property
    def expected_withholding(self):
        """The retenue à la source on the invoice's TTC (stamp excluded), at the configured rate."""
        if not self.withholding_eligible:
            return ZERO
        return percent_of(self.total_ttc, settings.ECAR_WITHHOLDING_RATE)

    @property
    def amount_in_words(self) -> str:
        return amount_in_words(self.net_to_pay)

    @property
    def days_overdue(self) -> int:
        if self.due_date is None or self.status not in (self.Status.ISSUED, self.Status.PARTIALLY_PAID):
            return 0
        return max(0, (timezone.localdate() - self.due_date).days)

    def tva_breakdown(self) -> list[dict]:
        return tva_breakdown(self.lines.all())

    def _settled_status(self) -> str:
        if self.balance_due <= 0:
            return self.Status.PAID
        if self.amount_paid + self.amount_withheld > 0:
            return self.Status.PARTIALLY_PAID
        return self.Status.ISSUED

    # --- transitions (fired by workshop.billing inside a transaction, the row locked) ------------

    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.ISSUED,
        conditions=[has_lines, has_positive_total],
        permission="workshop.issue_invoice",
    )
    def issue(self, *, by, issue_date):
        """Take the next number of the year's series; the caller's transaction holds the counter until commit."""
        number = DocumentSequence.next_value(f"F-{issue_date.year}")
        self.number = f"F-{issue_date.year}-{number:05d}"
        self.issue_date = issue_date
        self.due_date = issue_date + timedelta(days=self.payment_terms_days)
        self.issued_at = timezone.now()
        self.issued_by = by

    @transition(
        field=status,
        source=[Status.ISSUED, Status.PARTIALLY_PAID],
        target=RETURN_VALUE(Status.ISSUED, Status.PARTIALLY_PAID, Status.PAID),
        permission="workshop.add_payment",
    )
    def receive_payment(self, *, amount, withheld):
        self.amount_paid += amount
        self.amount_withheld += withheld
        return self._settled_status()

    @transition(
        field=status,
        source=[Status.ISSUED, Status.PARTIALLY_PAID],
        target=RETURN_VALUE(Status.ISSUED, Status.PARTIALLY_PAID, Status.PAID),
        permission="workshop.add_creditnote",
    )
    def credit(self, *, amount):
        """A partial credit note lowers what is due."""
        self.amount_credited += amount
        return self._settled_status()

    @transition(
        field=status,
        source=[Status.ISSUED, Status.PARTIALLY_PAID, Status.PAID],
        target=Status.CANCELLED,
        permission="workshop.add_creditnote",
    )
    def cancel(self, *, amount):
        """Only a total credit note cancels an issued invoice; what was received is then owed to the customer."""
        self.amount_credited += amount

    @transition(
        field=status,
        source=Status.CANCELLED,
        target=Status.CANCELLED,
        conditions=[has_money_to_return],
        permission="workshop.add_refund",
    )
    def return_money(self, *, amount):
        """Money owed to the customer is refunded or kept as customer credit (workshop.settlements)."""
        self.amount_refunded += amount

    @transition(
        field=status,
        source=[Status.ISSUED, Status.PARTIALLY_PAID, Status.PAID, Status.CANCELLED],
        target=RETURN_VALUE(Status.ISSUED, Status.PARTIALLY_PAID, Status.PAID, Status.CANCELLED),
        permission="workshop.reverse_payment",
    )
    def reverse_payment(self, *, amount, withheld):
        """A counter-payment takes back a wrongly entered payment: the invoice is owed again (or owes less)."""
        self.amount_paid -= amount
        self.amount_withheld -= withheld
        if self.status == self.Status.CANCELLED:
            return self.Status.CANCELLED
        return self._settled_status()

    # --- immutability ----------------------------------------------------------------------------

    def _issued_in_database(self) -> bool:
        return Invoice.objects.filter(pk=self.pk).exclude(status=self.Status.DRAFT).exists()

    def _update_initial_state(self):
        """Remember the status this copy was read (or last saved) with; ConcurrentTransitionMixin calls this."""
        super()._update_initial_state()
        self._loaded_status = self.status

    def save(self, *args, **kwargs):
        """Refuse any write but settlement to an issued invoice, without asking the database first.

        A copy read as issued is refused outright (an invoice never goes back to draft). A copy read as a
        draft is written by `UPDATE … WHERE status = 'draft'` (ConcurrentTransitionMixin filters on the
        status it was read with), so if the invoice was issued meanwhile the database itself refuses the
        write, with no window between a check and the update. As with any failed save, the enclosing
        atomic block is then marked for rollback.
        """
        if self.pk is not None and not self._state.adding:
            update_fields = kwargs.get("update_fields")
            settling = update_fields is not None and set(update_fields) <= SETTLEMENT_FIELDS
            if not settling and self._loaded_status != self.Status.DRAFT:
                raise LockedError(ISSUED_INVOICE_MESSAGE)
        try:
            with database_refusals():
                super().save(*args, **kwargs)
        except ConcurrentTransition as exc:
            if self._loaded_status == self.Status.DRAFT and self.is_draft:
                # An edit of a draft that was issued meanwhile (a draft only ever leaves that state so).
                # A transition refused here stays a ConcurrentTransition: `fire` reports it as a stale page.
                raise LockedError(ISSUED_INVOICE_MESSAGE) from exc
            raise

    def delete(self, *args, **kwargs):
        if self._issued_in_database():
            raise LockedError(ISSUED_INVOICE_MESSAGE)
        with database_refusals():
            return super().delete(*args, **kwargs)


class InvoiceLineQuerySet(GuardedQuerySet):
    locked_rows = ~Q(invoice__status="draft")
    locked_message = ISSUED_INVOICE_MESSAGE


class InvoiceLine(DocumentLine):
    invoice = models.ForeignKey(Invoice, verbose_name=_("facture"), on_delete=models.CASCADE, related_name="lines")
    part = models.ForeignKey(
        "workshop.Part", verbose_name=_("pièce"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    unit_cost = models.DecimalField(_("coût unitaire HT"), default=ZERO, **MONEY)

    objects = InvoiceLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("ligne de facture")
        verbose_name_plural = _("lignes de facture")
        ordering = ["invoice", "position", "id"]
        indexes = [
            models.Index(fields=["invoice", "position", "id"], name="invoiceline_position_idx"),
            # The lines of a period's invoices, joined on their invoice (TVA per rate, parts sold): from the index.
            models.Index(
                fields=["invoice"],
                include=["kind", "part", "tva_rate", "quantity", "unit_cost", "total_ht", "total_tva"],
                name="invoiceline_report_idx",
            ),
        ]

    def _refuse_if_issued(self) -> None:
        """Lock the invoice row first: a line edit and an issue of the same draft then run one after the other,
        so an issued invoice never gains a line its totals do not count. Call inside a transaction."""
        status = Invoice.objects.select_for_update().filter(pk=self.invoice_id).values_list("status", flat=True)
        if status.first() != Invoice.Status.DRAFT:
            raise LockedError(ISSUED_INVOICE_MESSAGE)

    def save(self, *args, **kwargs):
        with transaction.atomic(), database_refusals():
            self._refuse_if_issued()
            self.compute_totals()
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with transaction.atomic(), database_refusals():
            self._refuse_if_issued()
            return super().delete(*args, **kwargs)


class PaymentQuerySet(models.QuerySet):
    """Payments are a ledger: rows are added by `workshop.billing.record_payment` (and taken back by a
    counter-payment, `workshop.settlements.reverse_payment`), never rewritten."""

    def update(self, **kwargs):
        raise LockedError(PAYMENT_LOCKED_MESSAGE)

    def delete(self):
        raise LockedError(PAYMENT_LOCKED_MESSAGE)


class Payment(TimeStamped):
    class Method(models.TextChoices):
        CASH = "cash", _("Espèces")
        CHEQUE = "cheque", _("Chèque")
        CARD = "card", _("Carte bancaire")
        TRANSFER = "transfer", _("Virement")
        CUSTOMER_CREDIT = "credit", _("Avoir client / crédit")

    invoice = models.ForeignKey(Invoice, verbose_name=_("facture"), on_delete=models.PROTECT, related_name="payments")
    date = models.DateField(_("date"), validators=[validate_past_date])
    method = models.CharField(_("mode"), max_length=10, choices=Method.choices, default=Method.CASH)
    amount = models.DecimalField(_("montant encaissé"), **MONEY)
    withholding_amount = models.DecimalField(_("retenue à la source"), default=ZERO, **MONEY)
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
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("contre-passe le paiement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
    )
    reason = models.CharField(_("motif de la contre-passation"), max_length=255, blank=True)
    history = HistoricalRecords()

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")
        ordering = ["-date", "-id"]
        permissions = [("reverse_payment", _("Contre-passer un paiement"))]
        indexes = [models.Index(fields=["-date", "-id"], name="payment_date_idx")]
        constraints = [
            # A payment is positive; a counter-payment (one at most per payment: `reverses` is unique) is
            # negative and says why.
            models.CheckConstraint(
                condition=(
                    Q(reverses__isnull=True, amount__gte=0, withholding_amount__gte=0)
                    & (Q(amount__gt=0) | Q(withholding_amount__gt=0))
                )
                | (
                    Q(reverses__isnull=False, amount__lte=0, withholding_amount__lte=0)
                    & (Q(amount__lt=0) | Q(withholding_amount__lt=0))
                    & ~Q(reason="")
                ),
                name="payment_positive_or_reversal",
            ),
            date_bounds_check("date", "payment_date_in_range"),
        ]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} · {self.get_method_display()} · {self.amount}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    @property
    def settled_amount(self):
        return self.amount + self.withholding_amount

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise LockedError(PAYMENT_LOCKED_MESSAGE)
        with database_refusals():
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LockedError(PAYMENT_LOCKED_MESSAGE)


class CreditNoteQuerySet(GuardedQuerySet):
    locked_rows = Q(status="issued")
    locked_message = ISSUED_CREDIT_NOTE_MESSAGE


class CreditNote(StateMachineStatusMixin, ConcurrentTransitionMixin, PartyIdentity, DocumentTotals, TimeStamped):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        ISSUED = "issued", _("Émis")

    number = models.CharField(_("numéro"), max_length=20, unique=True, null=True, blank=True, editable=False)
    status = FSMField(_("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT, protected=True)
    invoice = models.ForeignKey(
        Invoice, verbose_name=_("facture"), on_delete=models.PROTECT, related_name="credit_notes"
    )
    customer = models.ForeignKey(
        "workshop.Customer", verbose_name=_("client"), on_delete=models.PROTECT, related_name="credit_notes"
    )
    is_total = models.BooleanField(_("avoir total"), default=False)
    reason = models.CharField(_("motif"), max_length=255)
    issue_date = models.DateField(_("date"), null=True, blank=True, validators=[validate_past_date])
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

    objects = CreditNoteQuerySet.as_manager()

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
            date_bounds_check("issue_date", "creditnote_issue_date_in_range"),
        ]

    def __str__(self):
        return self.number or _("Avoir brouillon n° %(id)s") % {"id": self.pk}

    @property
    def amount_in_words(self) -> str:
        return amount_in_words(self.net_to_pay)

    def tva_breakdown(self) -> list[dict]:
        return tva_breakdown(self.lines.all())

    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.ISSUED,
        conditions=[has_lines],
        permission="workshop.add_creditnote",
    )
    def issue(self, *, by, issue_date):
        number = DocumentSequence.next_value(f"AV-{issue_date.year}")
        self.number = f"AV-{issue_date.year}-{number:05d}"
        self.issue_date = issue_date
        self.issued_at = timezone.now()
        self.issued_by = by

    def _issued_in_database(self) -> bool:
        return CreditNote.objects.filter(pk=self.pk, status=self.Status.ISSUED).exists()

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding and self._issued_in_database():
            raise LockedError(ISSUED_CREDIT_NOTE_MESSAGE)
        with database_refusals():
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._issued_in_database():
            raise LockedError(ISSUED_CREDIT_NOTE_MESSAGE)
        with database_refusals():
            return super().delete(*args, **kwargs)


class CreditNoteLineQuerySet(GuardedQuerySet):
    locked_rows = Q(credit_note__status="issued")
    locked_message = ISSUED_CREDIT_NOTE_MESSAGE


class CreditNoteLine(DocumentLine):
    credit_note = models.ForeignKey(CreditNote, verbose_name=_("avoir"), on_delete=models.CASCADE, related_name="lines")
    invoice_line = models.ForeignKey(
        InvoiceLine, verbose_name=_("ligne de facture"), on_delete=models.PROTECT, related_name="credit_lines"
    )

    objects = CreditNoteLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("ligne d'avoir")
        verbose_name_plural = _("lignes d'avoir")
        ordering = ["credit_note", "position", "id"]
        indexes = [models.Index(fields=["credit_note", "position", "id"], name="creditnoteline_position_idx")]

    def _refuse_if_issued(self) -> None:
        if CreditNote.objects.filter(pk=self.credit_note_id, status=CreditNote.Status.ISSUED).exists():
            raise LockedError(ISSUED_CREDIT_NOTE_MESSAGE)

    def save(self, *args, **kwargs):
        self._refuse_if_issued()
        self.compute_totals()
        with database_refusals():
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_issued()
        with database_refusals():
            return super().delete(*args, **kwargs)
