"""Invoices are frozen snapshots: lines, customer and seller identity are copied in.

Once issued they are never edited nor deleted, whoever asks: the guards below sit under the admin, in
save(), delete() and the querysets' update()/delete(). Only the settlement fields of an issued invoice
(what was paid, withheld, credited, and the resulting status) still move, through its transitions.
The operations themselves (create, issue, pay, credit) live in `workshop.billing`.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransition, ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from workshop.invariants import SETTLEMENT_COLUMNS
from workshop.money import ZERO, amount_in_words, percent_of
from workshop.validators import date_bounds_check, validate_past_date

from .common import (
    MONEY,
    DocumentSequence,
    GuardedQuerySet,
    LockedError,
    StateMachineStatusMixin,
    TimeStamped,
    database_refusals,
    refusal,
)
from .documents import (
    DocumentLine,
    DocumentTotals,
    JobIdentity,
    PartyIdentity,
    VehicleIdentity,
    has_lines,
    tva_breakdown,
)

ISSUED_INVOICE_MESSAGE = _(
    "Une facture émise ne peut être ni modifiée ni supprimée : établissez un avoir pour l'annuler ou la corriger."
)
SETTLEMENT_FIELDS = frozenset(SETTLEMENT_COLUMNS)  # the database's list: workshop.invariants


@refusal(_("Le total TTC de la facture est nul."))
def has_positive_total(invoice) -> bool:
    return invoice.total_ttc > 0


@refusal(_("Il n'y a rien à rendre au client sur cette facture."))
def has_money_to_return(invoice) -> bool:
    return invoice.money_to_return > 0


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


# The amounts the reports read from the covering indexes of invoices, in the indexes' column order.
REPORTED_AMOUNTS = [
    "stamp_duty",
    "total_ht",
    "total_tva",
    "total_ttc",
    "amount_credited",
    "amount_paid",
    "amount_withheld",
    "net_to_pay",
    "amount_refunded",
]


class Invoice(
    StateMachineStatusMixin,
    ConcurrentTransitionMixin,
    PartyIdentity,
    VehicleIdentity,
    JobIdentity,
    DocumentTotals,
    TimeStamped,
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
            # of a wide table), and the job's kind and mechanic copied on it: from this index alone on PostgreSQL.
            models.Index(
                fields=["issue_date"],
                include=["id", "status", "job_kind", "mechanic", *REPORTED_AMOUNTS],
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
