"""Receivables: what each customer owes, by the age of the invoice, and what the garage owes back to them.

Read from the partial covering index of owing invoices (`invoice_owing_idx`) on PostgreSQL.
"""

from datetime import date, timedelta

from django.db.models import Case, Count, Max, Min, Q, Sum, When

from reports.financial import OPEN, balance_expression, in_millimes, money_sum
from reports.paging import PagedWithTotals
from workshop.models import Invoice, OwingCustomer, OwingDay
from workshop.money import from_millimes

OWING = (*OPEN, Invoice.Status.CANCELLED)  # what the receivables read: owed by, or owed back to, the customer
AGE_BUCKETS = (("age_0_30", 0, 30), ("age_31_60", 31, 60), ("age_61_90", 61, 90), ("age_over_90", 91, None))


def _bucket_filter(as_of: date, low: int, high: int | None) -> Q:
    condition = Q(issue_date__lte=as_of - timedelta(days=low))
    if high is not None:
        condition &= Q(issue_date__gte=as_of - timedelta(days=high))
    return condition


def receivable_measures(as_of: date) -> dict:
    """Ages of what customers owe; what the garage owes back (cancelled invoices) apart, and both in `balance`.

    Over the invoices of `open_invoices` (issued by `as_of`), every open one falls in exactly one age and every
    other one is cancelled, so `balance` is the ages' sums less what is owed back: the same exact decimal as summing
    each invoice's balance once more, without computing it again on every row."""
    measures = {
        name: money_sum(
            Case(When(_bucket_filter(as_of, low, high), status__in=OPEN, then=balance_expression()), default=None)
        )
        for name, low, high in AGE_BUCKETS
    }
    measures["to_return"] = money_sum(
        Case(When(status=Invoice.Status.CANCELLED, then=-balance_expression()), default=None)
    )
    owed = [measures[name] for name, _low, _high in AGE_BUCKETS]
    measures["balance"] = sum(owed[1:], owed[0]) - measures["to_return"]
    measures["invoices"] = Count("id")
    return measures


def open_invoices(invoices, *, as_of: date):
    """Invoices with something owed: by the customer (open ones), or to the customer (money received on an
    invoice since cancelled by a credit note, until it is refunded or kept as customer credit).

    The first status filter repeats the partial index's condition (migration 0019, `invoice_owing_idx`) so
    PostgreSQL reads the owing invoices from that index alone rather than the whole invoice table."""
    return (
        invoices.filter(status__in=OWING, issue_date__lte=as_of)
        .alias(open_balance=balance_expression())
        .filter(Q(status__in=OPEN, open_balance__gt=0) | Q(status=Invoice.Status.CANCELLED, open_balance__lt=0))
    )


def receivables(invoices, *, as_of: date):
    """Open balances per customer, split by the age of the invoice at `as_of` (0-30, 31-60, 61-90, 90+ days),
    with what is owed back to the customer in `to_return` (and deducted from `balance`)."""
    return (
        open_invoices(invoices, as_of=as_of)
        .order_by()
        .values("customer_id")
        .annotate(customer=Max("customer_name"), oldest=Min("issue_date"), **receivable_measures(as_of))
        .order_by("-balance", "customer_id")
    )


def receivable_totals(invoices, *, as_of: date) -> dict:
    return in_millimes(open_invoices(invoices, as_of=as_of).aggregate(**receivable_measures(as_of)))


RECEIVABLE_SUMS = ("invoices", *(name for name, _low, _high in AGE_BUCKETS), "to_return", "balance")


def receivable_measures_summed(as_of: date) -> dict:
    """The per-customer measures whose sums over all customers are `receivable_totals` (all but the dates)."""
    measures = receivable_measures(as_of)
    return {name: measures[name] for name in RECEIVABLE_SUMS}


# --- Today's receivables, unfiltered: from the running sums the database keeps (workshop.models.owing) -------


def running_totals(as_of: date) -> dict:
    """`receivable_totals` of every invoice, from the sums by day of issue: a few thousand days rather than every
    owing invoice (exact: the sums are in millimes)."""
    days = OwingDay.objects.filter(issue_date__lte=as_of)
    measures = {
        name: Sum("open_millimes", filter=_bucket_filter(as_of, low, high), default=0)
        for name, low, high in AGE_BUCKETS
    }
    found = days.aggregate(**measures, to_return=Sum("return_millimes", default=0), invoices=Sum("invoices", default=0))
    totals = {name: from_millimes(found[name]) for name in (*(name for name, _low, _high in AGE_BUCKETS), "to_return")}
    owed = [totals[name] for name, _low, _high in AGE_BUCKETS]
    totals["balance"] = sum(owed[1:], owed[0]) - totals["to_return"]
    totals["invoices"] = int(found["invoices"])
    return totals


class RankedReceivables(PagedWithTotals):
    """The receivables page as of today, unfiltered, in its own order (who owes most first).

    The page's customers come from the running balances by customer (an index, whatever their number), their rows
    from their own invoices alone, the page count from the same balances and the totals from `running_totals`:
    on the demo data, 74,000 customers were grouped from 124,000 invoices on every visit. A column sorted by the
    user or an export (every row) reads the grouped invoices, as the other receivables pages do."""

    def __init__(self, grouped, *, invoices, as_of: date, **kwargs):
        super().__init__(grouped, **kwargs)
        self.invoices, self.as_of, self.ranked = invoices, as_of, True

    def order_by(self, aliases):
        self.ranked = False
        super().order_by(aliases)

    def __len__(self):
        if not self.ranked or self._all is not None:
            return super().__len__()
        if not hasattr(self, "_length"):
            self._length = OwingCustomer.objects.ranked().count()
        return self._length

    def __getitem__(self, key):
        if not self.ranked or self._all is not None or not isinstance(key, slice):
            return super().__getitem__(key)
        ids = list(OwingCustomer.objects.ranked().values_list("customer_id", flat=True)[key])
        grouped = receivables(self.invoices.filter(customer_id__in=ids), as_of=self.as_of)
        rows = {row["customer_id"]: row for row in grouped}
        return [rows[customer_id] for customer_id in ids if customer_id in rows]

    def read_totals(self) -> dict:
        if not self.ranked or self._all is not None:
            return super().read_totals()
        return running_totals(self.as_of)
