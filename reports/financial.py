"""Financial figures (revenue, TVA), aggregated by the database, and the sums the other reports share
(receivables in `reports.receivables`, the customer statement in `reports.statement`).

Revenue counts invoices in force (issued, partially paid, paid); a cancelled invoice is offset by its credit
note, so both are left out there. The TVA summary declares every numbered invoice in the month it was issued
and deducts issued credit notes in the month they were issued, as the monthly declaration does.
"""

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Concat, NullIf, TruncMonth

from workshop.models import Invoice, TvaDay, TvaDayRate
from workshop.models.common import MONEY, TvaRate
from workshop.money import MILLIME, ZERO, from_millimes

IN_FORCE = (Invoice.Status.ISSUED, Invoice.Status.PARTIALLY_PAID, Invoice.Status.PAID)
OPEN = (Invoice.Status.ISSUED, Invoice.Status.PARTIALLY_PAID)
NUMBERED = (*IN_FORCE, Invoice.Status.CANCELLED)
MONEY_FIELD = DecimalField(**MONEY)


def money_sum(expression, condition: Q | None = None) -> Coalesce:
    return Coalesce(Sum(expression, filter=condition, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD)


def in_millimes(totals: dict) -> dict:
    """An aggregate's decimals to the millime: SQLite hands back a sum of decimals as a float-made Decimal
    (284.700000000000), where PostgreSQL gives 284.700; the total row must read like the rows above it."""
    return {key: value.quantize(MILLIME) if isinstance(value, Decimal) else value for key, value in totals.items()}


def balance_expression():
    """What the customer owes on an invoice; negative while money received on a cancelled one is still owed back."""
    return F("net_to_pay") - F("amount_paid") - F("amount_withheld") - F("amount_credited") + F("amount_refunded")


def balance_sum(condition: Q | None = None):
    """The sum of `balance_expression()` over the rows (matching `condition`) as the sums of its columns: the same
    exact decimal, but the database adds each column to its sum instead of first computing four subtractions (a
    new numeric each) on every row; PostgreSQL sums a year of invoices in half the time."""
    columns = ("net_to_pay", "amount_paid", "amount_withheld", "amount_credited", "amount_refunded")
    net, paid, withheld, credited, refunded = (money_sum(column, condition) for column in columns)
    return net - paid - withheld - credited + refunded


def _revenue_keys(group: str) -> dict:
    return {
        "day": {"group": F("issue_date")},
        "month": {"group": TruncMonth("issue_date")},
        "kind": {"group": NullIf("job_kind", Value(""))},  # the job's, copied on the invoice at issue: no join
        "mechanic": {"group": F("mechanic_id")},
    }[group]


def mechanic_name(user_id) -> Subquery:
    """« First Last » of the user `user_id` (an outer column): read once per group after grouping by the id, rather
    than joining the users to every invoice and grouping by their names too."""
    return Subquery(
        get_user_model()
        .objects.filter(pk=user_id)
        .order_by()
        .annotate(full_name=Concat("first_name", Value(" "), "last_name"))
        .values("full_name")[:1]
    )


def revenue(invoices, *, group: str):
    """One row per day, month, job kind or mechanic: invoices, HT, TVA, TTC, stamps, collected, outstanding."""
    grouped = (
        invoices.filter(status__in=IN_FORCE).order_by().values(**_revenue_keys(group)).annotate(**revenue_measures())
    )
    if group == "mechanic":
        grouped = grouped.annotate(mechanic_name=mechanic_name(OuterRef("group")))
    return grouped.order_by(F("group").desc(nulls_last=True))


def revenue_report(invoices, *, group: str) -> tuple[list[dict], dict]:
    """The grouped rows and the report's totals, from one aggregation of the invoices.

    Every invoice falls in exactly one group (its day, month, job's kind or job's mechanic, or none), so the totals
    are the sums of the groups' counts and amounts: exact in Decimal, the same as aggregating them, without
    reading the period's invoices a second time."""
    rows = list(revenue(invoices, group=group))
    totals = {"invoices": sum(row["invoices"] for row in rows)}
    for name in REVENUE_AMOUNTS:
        totals[name] = sum((row[name] for row in rows), ZERO)
    return rows, in_millimes(totals)


def revenue_measures() -> dict:
    return {
        "invoices": Count("id"),
        "total_ht": money_sum("total_ht"),
        "total_tva": money_sum("total_tva"),
        "total_ttc": money_sum("total_ttc"),
        "stamps": money_sum("stamp_duty"),
        "credited": money_sum("amount_credited"),
        "collected": money_sum("amount_paid") + money_sum("amount_withheld"),  # summed apart, as `balance_sum`
        "outstanding": balance_sum(),
    }


REVENUE_AMOUNTS = ("total_ht", "total_tva", "total_ttc", "stamps", "credited", "collected", "outstanding")


# --- TVA ----------------------------------------------------------------------------------------------

RATES = [rate for rate, _label in TvaRate.choices]


def tva_summary(*, date_from: date, date_to: date) -> list[dict]:
    """One row per month: base and TVA per rate net of credit notes, credit notes deducted, stamps.

    Read from the day sums the database keeps as documents are numbered (`workshop.models.sales_days`): for a
    year, a few hundred day rows and their rates, whatever the number of lines, with no cache to go cold."""
    period = Q(issue_date__range=(date_from, date_to))
    months: dict[date, Counter] = defaultdict(Counter)
    for day in TvaDay.objects.filter(period).order_by():
        months[day.issue_date.replace(day=1)].update(
            invoices=day.invoices,
            credit_notes=day.credit_notes,
            invoice_stamps=day.invoice_stamps_millimes,
            credit_stamps=day.credit_stamps_millimes,
        )
    for day in TvaDayRate.objects.filter(period).order_by():
        rate = day.tva_rate
        months[day.issue_date.replace(day=1)].update(
            {
                f"base_{rate}": day.base_millimes,
                f"tva_{rate}": day.tva_millimes,
                f"credited_base_{rate}": day.credited_base_millimes,
                f"credited_tva_{rate}": day.credited_tva_millimes,
            }
        )
    return [_tva_row(month, values) for month, values in sorted(months.items(), reverse=True)]


def _tva_row(month: date, millimes: Counter) -> dict:
    row = {"month": month, "invoices": millimes["invoices"], "credit_notes": millimes["credit_notes"]}
    total_base = total_tva = credited_ht = credited_tva = ZERO
    for rate in RATES:
        invoiced, credited = from_millimes(millimes[f"base_{rate}"]), from_millimes(millimes[f"credited_base_{rate}"])
        row[f"base_{rate}"] = invoiced - credited
        total_base += invoiced - credited
        credited_ht += credited
        if rate:
            invoiced_tax = from_millimes(millimes[f"tva_{rate}"])
            credited_tax = from_millimes(millimes[f"credited_tva_{rate}"])
            row[f"tva_{rate}"] = invoiced_tax - credited_tax
            total_tva += invoiced_tax - credited_tax
            credited_tva += credited_tax
    row.update(
        total_base=total_base,
        total_tva=total_tva,
        credited_ht=credited_ht,
        credited_tva=credited_tva,
        stamps=from_millimes(millimes["invoice_stamps"] - millimes["credit_stamps"]),
    )
    return row
