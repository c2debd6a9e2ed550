"""One customer at a glance: cars, jobs, invoices with what is due and overdue, payments, credit notes, messages.

Each list is one query, cut to the latest `limit` rows (the page links to the full filtered list), so the page
costs the same for a customer of one visit or of a fleet. What the user may not see is not read at all: money
for roles that do not see prices (`roles.can_see_prices`), jobs beyond `Service.objects.visible_to`, messages
without the notification permission.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, Q, When
from django.utils import timezone

from reports.financial import OPEN, balance_expression, balance_sum
from workshop.models import CreditNote, Customer, Invoice, Notification, Payment, Service
from workshop.models.refunds import customer_credit_available
from workshop.roles import can_see_prices

CLOSED = (Service.Status.DELIVERED, Service.Status.CANCELLED)
LIMIT = 10
CAR_LIMIT = 50


@dataclass
class CustomerPage:
    customer: Customer
    cars: list
    cars_count: int
    open_jobs: list
    past_jobs: list
    jobs_count: int
    with_prices: bool
    invoices: list = field(default_factory=list)
    open_invoices_count: int = 0
    balance_due: Decimal | None = None
    overdue: Decimal | None = None
    customer_credit: Decimal | None = None
    payments: list = field(default_factory=list)
    credit_notes: list = field(default_factory=list)
    notifications: list | None = None


def customer_page(*, customer: Customer, user, limit: int = LIMIT) -> CustomerPage:
    """Everything the customer page lists, for this user."""
    today = timezone.localdate()
    cars = list(customer.cars.order_by("plate")[:CAR_LIMIT])
    cars_count = len(cars) if len(cars) < CAR_LIMIT else customer.cars.count()
    jobs = Service.objects.visible_to(user).filter(customer=customer).select_related("car", "mechanic")
    open_jobs = list(jobs.exclude(status__in=CLOSED).order_by("-received_at", "-id")[:limit])
    past_jobs = list(jobs.filter(status__in=CLOSED).order_by("-received_at", "-id")[:limit])
    jobs_count = jobs.count()
    page = CustomerPage(customer, cars, cars_count, open_jobs, past_jobs, jobs_count, can_see_prices(user))
    if page.with_prices and user.has_perm("workshop.view_invoice"):
        invoices = Invoice.objects.filter(customer=customer)
        page.invoices = list(
            invoices.select_related("service")
            .annotate(
                balance=balance_expression(),
                is_overdue=Case(When(status__in=OPEN, due_date__lt=today, then=True), default=False),
            )
            .order_by("-created_at", "-id")[:limit]
        )
        totals = invoices.filter(status__in=OPEN).aggregate(
            due=balance_sum(),
            overdue=balance_sum(Q(due_date__lt=today)),
            count=Count("id"),
        )
        page.balance_due, page.overdue, page.open_invoices_count = totals["due"], totals["overdue"], totals["count"]
        page.customer_credit = customer_credit_available(customer.pk)
        if user.has_perm("workshop.view_payment"):
            page.payments = list(
                Payment.objects.filter(invoice__customer=customer)
                .select_related("invoice", "received_by")
                .order_by("-date", "-id")[:limit]
            )
        if user.has_perm("workshop.view_creditnote"):
            page.credit_notes = list(
                CreditNote.objects.filter(customer=customer)
                .select_related("invoice")
                .order_by("-created_at", "-id")[:limit]
            )
    if user.has_perm("workshop.view_notification"):
        page.notifications = list(
            Notification.objects.filter(customer=customer)
            .filter(Q(service__isnull=True) | Q(service__in=jobs.values("pk")))
            .order_by("-created_at", "-id")[:limit]
        )
    return page


def open_invoices(customer: Customer):
    """Invoices of this customer that can take a payment, oldest due first (« Enregistrer un paiement »)."""
    return Invoice.objects.filter(customer=customer, status__in=OPEN).order_by("due_date", "id")
