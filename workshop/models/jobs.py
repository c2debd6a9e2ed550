"""Repair orders (ordres de réparation): the job, its states, and the conditions and permissions of each transition.

The transitions are fired under a row lock by `workshop.workflows`; the job's lines are in `job_lines`.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from workshop.money import ZERO, to_millimes
from workshop.validators import date_bounds_check, validate_past_date, validate_planned_date

from .common import MONEY, QUANTITY, DocumentSequence, StateMachineStatusMixin, TimeStamped, refusal


@refusal(_("Ajoutez au moins une ligne (pièce ou main-d'œuvre) à l'ordre de réparation."))
def has_items(service) -> bool:
    return service.pk is not None and service.items.exists()


@refusal(_("Affectez un mécanicien à l'ordre de réparation."))
def has_mechanic(service) -> bool:
    return service.mechanic_id is not None


@refusal(_("Rien à facturer : le total de l'ordre de réparation est nul."))
def has_amount_to_bill(service) -> bool:
    """Uses the job's items when the caller prefetched them (billing reads them anyway), else asks the database."""
    if service.pk is None:
        return False
    prefetched = getattr(service, "_prefetched_objects_cache", {}).get("items")
    if prefetched is not None:
        return any(item.total_ttc > 0 and item.billable_on(service) for item in prefetched)
    from .job_lines import ServiceItem

    return service.items.filter(ServiceItem.billable_rows(service), total_ttc__gt=0).exists()


@refusal(
    _(
        "Des lignes attendent encore la réponse du client : enregistrez son accord (par téléphone), renvoyez-lui "
        "le lien du devis, ou retirez-les."
    )
)
def no_required_line_awaiting_answer(service) -> bool:
    """Only approved work is billed: a line added or changed after the approval must be answered first (an
    unanswered « recommandé » line is simply not billed)."""
    if service.pk is None or service.approved_at is None:
        return True
    from .job_lines import ServiceItem

    return not service.items.filter(decision=ServiceItem.Decision.PROPOSED, recommended=False).exists()


def on_own_jobs(permission: str):
    """A transition permission that mechanics hold only on the jobs assigned to them."""

    def check(service, user) -> bool:
        if not user.has_perm(permission):
            return False
        return user.has_perm("workshop.view_all_services") or service.mechanic_id == user.pk

    check.permission = permission
    return check


may_diagnose = on_own_jobs("workshop.diagnose_service")


def may_approve(service, user) -> bool:
    """Staff with `approve_service`, or the customer's own app account on their own job (issue 13)."""
    if user.has_perm("workshop.approve_service"):
        return True
    from .customers import Customer

    return bool(user.pk) and Customer.objects.filter(pk=service.customer_id, user_id=user.pk).exists()


may_approve.permission = "workshop.approve_service"
may_work_on = on_own_jobs("workshop.work_on_service")


class ServiceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Mechanics see the jobs assigned to them; roles with `view_all_services` see every job."""
        if user.has_perm("workshop.view_all_services"):
            return self
        return self.filter(mechanic=user)


# What the activity report reads of a job, carried by `service_activity_idx` (an index-only scan by period).
ACTIVITY_COLUMNS = ("id", "status", "kind", "mechanic", "completed_at", "delivered_at", "total_ht", "labour_hours")


class Service(StateMachineStatusMixin, ConcurrentTransitionMixin, TimeStamped):
    """A repair order (ordre de réparation): one visit of one car, for the customer who brought it.

    `status` only moves through the transitions below (the field is protected); `workshop.workflows`
    fires them under a row lock for the admin and any other caller.
    """

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
    status = FSMField(_("statut"), max_length=15, choices=Status.choices, default=Status.RECEIVED, protected=True)
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
    received_at = models.DateTimeField(_("reçu le"), default=timezone.now, validators=[validate_past_date])
    promised_at = models.DateTimeField(_("promis pour le"), null=True, blank=True, validators=[validate_planned_date])
    diagnosed_at = models.DateTimeField(_("devis prêt le"), null=True, blank=True)
    approved_at = models.DateTimeField(_("accepté le"), null=True, blank=True)
    started_at = models.DateTimeField(_("travaux commencés le"), null=True, blank=True)
    completed_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("livré le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    cancellation_reason = models.CharField(_("motif d'annulation"), max_length=255, blank=True)
    total_ht = models.DecimalField(_("total HT"), default=ZERO, editable=False, **MONEY)
    total_tva = models.DecimalField(_("total TVA"), default=ZERO, editable=False, **MONEY)
    total_ttc = models.DecimalField(_("total TTC"), default=ZERO, editable=False, **MONEY)
    # The hours of its labour lines the customer did not decline, kept with the totals: the activity report sums
    # them over a year of jobs from `service_activity_idx` alone, without joining 460,000 lines.
    labour_hours = models.DecimalField(_("heures de main-d'œuvre"), default=ZERO, editable=False, **QUANTITY)
    history = HistoricalRecords()

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("ordre de réparation")
        verbose_name_plural = _("ordres de réparation")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("view_all_services", _("Voir tous les ordres de réparation")),
            ("diagnose_service", _("Établir le devis d'un ordre de réparation")),
            ("approve_service", _("Enregistrer l'accord du client sur le devis")),
            ("work_on_service", _("Démarrer, suspendre, reprendre et terminer les travaux")),
            ("invoice_service", _("Facturer un ordre de réparation terminé")),
            ("deliver_service", _("Remettre le véhicule au client")),
            ("cancel_service", _("Annuler un ordre de réparation")),
            ("reopen_service", _("Rouvrir un ordre dont la facture brouillon est supprimée")),
        ]
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="service_received_idx"),
            models.Index(fields=["status", "-received_at"], name="service_status_idx"),
            models.Index(fields=["kind", "-received_at"], name="service_kind_idx"),
            models.Index(fields=["mechanic", "status"], name="service_mechanic_idx"),
            # A mechanic's jobs, newest first (the API's and the admin's default order), page after page.
            models.Index(fields=["mechanic", "-received_at", "-id"], name="service_mechanic_recent_idx"),
            # The reports read a few columns of most jobs (PostgreSQL, from these indexes alone): by period of
            # reception for the activity report (the labour hours sold included), by id to join the invoices
            # (revenue per kind or mechanic) in id order.
            models.Index(
                fields=["received_at"],
                include=[*ACTIVITY_COLUMNS],
                name="service_activity_idx",
            ),
            models.Index(
                fields=["id"], include=["received_at", "status", "kind", "mechanic"], name="service_report_idx"
            ),
            # The dashboard's lists: the first jobs ready to hand over, read in order from the few of them; the jobs
            # asked again for an answer after an approval (none most days) without reading every open job.
            models.Index(
                fields=["completed_at", "received_at"],
                condition=Q(status__in=("completed", "invoiced")),
                name="service_ready_idx",
            ),
            models.Index(fields=["status"], condition=Q(approved_at__isnull=False), name="service_reapproval_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(completed_at__gte=models.F("received_at")),
                name="service_completed_after_received",
            ),
            date_bounds_check("received_at", "service_received_at_in_range", moment=True),
            date_bounds_check("promised_at", "service_promised_at_in_range", moment=True),
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
        with transaction.atomic():
            if not self.reference:
                year = timezone.localtime(self.received_at).year
                number = DocumentSequence.next_value(f"OR-{year}")
                self.reference = f"OR-{year}-{number:05d}"
            super().save(*args, **kwargs)
            effects, self.__dict__["_pending_effects"] = self._effects, []
            for effect in effects:
                effect()

    FROZEN_STATUSES = (Status.INVOICED, Status.DELIVERED)
    CANCELLABLE_STATUSES = (
        Status.RECEIVED,
        Status.DIAGNOSED,
        Status.APPROVED,
        Status.IN_PROGRESS,
        Status.WAITING_PARTS,
    )

    @property
    def items_frozen(self) -> bool:
        return self.status in self.FROZEN_STATUSES

    # --- transitions: conditions and permissions here, firing in workshop.workflows ---------------

    @transition(
        field=status,
        source=Status.RECEIVED,
        target=Status.DIAGNOSED,
        conditions=[has_items],
        permission=may_diagnose,
    )
    def diagnose(self):
        """The estimate is ready: the customer is told its amount."""
        self.diagnosed_at = timezone.now()
        self._effects.append(self._notify_estimate_ready)

    @transition(
        field=status,
        source=Status.DIAGNOSED,
        target=Status.APPROVED,
        conditions=[has_items],
        permission=may_approve,
    )
    def approve(self, *, by_customer: bool = False):
        """The customer agreed. From the adviser's button (`by_customer` False) the customer's word covers every
        line still proposed; from the customer's own decisions (`workshop.approvals.decisions`) the lines already
        carry them."""
        self.approved_at = timezone.now()
        if not by_customer:
            self._effects.append(self._approve_proposed_lines)

    @transition(
        field=status,
        source=Status.APPROVED,
        target=Status.IN_PROGRESS,
        conditions=[has_mechanic],
        permission=may_work_on,
    )
    def start(self):
        self.started_at = timezone.now()

    @transition(field=status, source=Status.IN_PROGRESS, target=Status.WAITING_PARTS, permission=may_work_on)
    def wait_for_parts(self):
        self._effects.append(self._notify_waiting_parts)

    @transition(field=status, source=Status.WAITING_PARTS, target=Status.IN_PROGRESS, permission=may_work_on)
    def resume(self):
        pass

    @transition(
        field=status,
        source=Status.IN_PROGRESS,
        target=Status.COMPLETED,
        conditions=[has_mechanic, has_items],
        permission=may_work_on,
    )
    def complete(self):
        """Work done and checked: the car's odometer is brought up to date and the customer told."""
        self.completed_at = max(timezone.now(), self.received_at)
        self._effects.append(self._update_car_mileage)
        self._effects.append(self._notify_car_ready)

    @transition(
        field=status,
        source=Status.COMPLETED,
        target=Status.INVOICED,
        conditions=[no_required_line_awaiting_answer, has_amount_to_bill],
        permission="workshop.invoice_service",
    )
    def invoice(self):
        """Fired by `workshop.billing.create_invoice_from_service`; from here on the items are frozen."""

    @transition(field=status, source=Status.INVOICED, target=Status.COMPLETED, permission="workshop.reopen_service")
    def reopen(self):
        """The job's only draft invoice was discarded: its items may be edited and billed again."""

    @transition(field=status, source=Status.INVOICED, target=Status.DELIVERED, permission="workshop.deliver_service")
    def deliver(self):
        self.delivered_at = max(timezone.now(), self.completed_at or self.received_at)

    @transition(
        field=status, source=list(CANCELLABLE_STATUSES), target=Status.CANCELLED, permission="workshop.cancel_service"
    )
    def cancel(self, *, reason: str = ""):
        self.cancelled_at = timezone.now()
        self.cancellation_reason = reason[:255]

    # --- effects, run by save() in the same transaction as the new state -------------------------

    @property
    def _effects(self) -> list:
        if "_pending_effects" not in self.__dict__:
            self.__dict__["_pending_effects"] = []
        return self.__dict__["_pending_effects"]

    def _update_car_mileage(self) -> None:
        from .cars import Car

        if self.mileage_in:
            Car.objects.filter(pk=self.car_id, mileage__lt=self.mileage_in).update(mileage=self.mileage_in)

    def _approve_proposed_lines(self) -> None:
        from workshop.approvals.decisions import approve_proposed_lines

        approve_proposed_lines(service=self, user=getattr(self, "_history_user", None))

    def _notify_estimate_ready(self) -> None:
        from .notifications import Notification

        Notification.for_service(self, Notification.Event.ESTIMATE_READY)

    def _notify_waiting_parts(self) -> None:
        from .notifications import Notification

        Notification.for_service(self, Notification.Event.WAITING_PARTS)

    def _notify_car_ready(self) -> None:
        from .notifications import Notification

        Notification.for_service(self, Notification.Event.CAR_READY)

    def refresh_totals(self) -> None:
        """Keep the stored totals equal to the sum of the rounded lines (lists show them without a join)."""
        from .job_lines import ServiceItem

        lines = self.items.exclude(decision=ServiceItem.Decision.DECLINED)  # « travaux refusés » count for nothing
        sums = lines.aggregate(
            ht=Sum("total_ht"),
            tva=Sum("total_tva"),
            ttc=Sum("total_ttc"),
            hours=Sum("quantity", filter=Q(kind=ServiceItem.Kind.LABOUR)),
        )
        self.total_ht, self.total_tva, self.total_ttc, self.labour_hours = (
            sums[k] or ZERO for k in ("ht", "tva", "ttc", "hours")
        )
        Service.objects.filter(pk=self.pk).update(
            total_ht=self.total_ht, total_tva=self.total_tva, total_ttc=self.total_ttc, labour_hours=self.labour_hours
        )


# Here rather than in `job_lines`: migration 0018_estimate_approval imports it from this module.
def line_terms(*, description, quantity, unit_price, discount_percent, tva_rate, total_ttc) -> str:
    """A digest of a line's terms, compared when the customer decides (a page shown before a change is refused)
    and when the line is saved (a decided line that changed is asked again)."""
    values = [description or "", *(str(to_millimes(v)) for v in (quantity, unit_price, discount_percent, total_ttc))]
    return hashlib.sha256("|".join([*values, str(int(tva_rate))]).encode()).hexdigest()
