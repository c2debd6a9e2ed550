"""What was declared and sold, summed by day of issue: the TVA summary and the parts report read these.

The database keeps them itself, from triggers on the invoices and credit notes (`workshop.invariants.sales`): a
document's share is added when it enters the state that counts (numbered, for the TVA; in force, for the parts
sold) and taken out if it leaves it, in the same transaction, by whatever path it was written. In between, its
lines, date and stamp cannot change (`workshop.invariants.frozen`). The application only reads the sums, so a
report over a year reads a few hundred rows instead of every line of the year. Amounts are integers (millimes;
the cost in millionths of a dinar, a quantity times a unit cost) so that sums are exact on SQLite too.
"""

from decimal import Decimal

from django.db import models

from workshop.models.common import TvaRate
from workshop.money import from_millimes


class TvaDay(models.Model):
    """The documents numbered on a day: invoices (cancelled ones included: they stay declared) and credit notes."""

    issue_date = models.DateField(primary_key=True)
    invoices = models.IntegerField(db_default=0)
    invoice_stamps_millimes = models.BigIntegerField(db_default=0)
    credit_notes = models.IntegerField(db_default=0)
    credit_stamps_millimes = models.BigIntegerField(db_default=0)

    def __str__(self):
        return f"{self.issue_date}: {self.invoices} / {self.credit_notes}"


class TvaDayRate(models.Model):
    """Base and TVA at one rate on a day's numbered invoices, and on its issued credit notes."""

    pk = models.CompositePrimaryKey("issue_date", "tva_rate")
    issue_date = models.DateField()
    tva_rate = models.PositiveSmallIntegerField(choices=TvaRate.choices)
    base_millimes = models.BigIntegerField(db_default=0)
    tva_millimes = models.BigIntegerField(db_default=0)
    credited_base_millimes = models.BigIntegerField(db_default=0)
    credited_tva_millimes = models.BigIntegerField(db_default=0)

    def __str__(self):
        return f"{self.issue_date} {self.tva_rate} %: {from_millimes(self.base_millimes)}"


class PartSalesDay(models.Model):
    """A catalogue part on the invoices in force issued on a day: quantity, invoices, revenue and cost."""

    pk = models.CompositePrimaryKey("issue_date", "part")
    issue_date = models.DateField()
    part = models.ForeignKey("workshop.Part", on_delete=models.PROTECT, related_name="+")
    quantity_thousandths = models.BigIntegerField(db_default=0)
    invoices = models.IntegerField(db_default=0)
    revenue_millimes = models.BigIntegerField(db_default=0)
    cost_microdinars = models.BigIntegerField(db_default=0)  # quantity × unit cost: six decimals, kept whole

    def __str__(self):
        return f"{self.issue_date} {self.part_id}: {self.quantity}"

    @property
    def quantity(self) -> Decimal:
        return Decimal(self.quantity_thousandths).scaleb(-3)
