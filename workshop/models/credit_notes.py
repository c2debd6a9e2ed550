"""Credit notes (avoirs) are frozen snapshots of what they credit; once issued never edited nor deleted."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from workshop.money import amount_in_words
from workshop.validators import date_bounds_check, validate_past_date

from .common import (
    DocumentSequence,
    GuardedQuerySet,
    LockedError,
    StateMachineStatusMixin,
    TimeStamped,
    database_refusals,
)
from .documents import DocumentLine, DocumentTotals, PartyIdentity, has_lines, tva_breakdown
from .invoices import Invoice, InvoiceLine

ISSUED_CREDIT_NOTE_MESSAGE = _("Un avoir émis ne peut être ni modifié ni supprimé.")


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
