"""What is owed, summed as it changes: by customer and by day of issue, for the receivables page.

The database keeps both tables itself, from a trigger on the invoices (`workshop.invariants.running`): every change
of an invoice's balance, status or existence, by whatever path, is added to its customer's row and its day's row in
the same transaction. The application only reads them. Amounts are in millimes (integers), exact in SQLite too.

An invoice counts while something is owed on it: by the customer (issued or partially paid, balance above zero), or
to the customer (cancelled by a credit note after money was received, until refunded or kept as credit), exactly the
invoices `reports.receivables.open_invoices` reads.
"""

from decimal import Decimal

from django.db import models
from django.db.models import Q

from workshop.money import from_millimes


class OwingCustomerQuerySet(models.QuerySet):
    def ranked(self):
        """Customers with an owing invoice, who owes most first: the receivables page's order."""
        return self.filter(invoices__gt=0).order_by("-balance_millimes", "customer_id")


class OwingCustomer(models.Model):
    customer = models.OneToOneField(
        "workshop.Customer", primary_key=True, on_delete=models.CASCADE, related_name="owing"
    )
    balance_millimes = models.BigIntegerField(default=0)  # owed by the customer, less what is owed back to them
    invoices = models.IntegerField(default=0)

    objects = OwingCustomerQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(
                fields=["-balance_millimes", "customer"], condition=Q(invoices__gt=0), name="owingcustomer_rank_idx"
            )
        ]

    def __str__(self):
        return f"{self.customer_id}: {self.balance}"

    @property
    def balance(self) -> Decimal:
        return from_millimes(self.balance_millimes)


class OwingDay(models.Model):
    issue_date = models.DateField(primary_key=True)
    open_millimes = models.BigIntegerField(default=0)  # owed by customers on the open invoices issued that day
    return_millimes = models.BigIntegerField(default=0)  # owed back to customers on cancelled invoices of that day
    invoices = models.IntegerField(default=0)

    def __str__(self):
        return f"{self.issue_date}: {from_millimes(self.open_millimes)} / {from_millimes(self.return_millimes)}"
