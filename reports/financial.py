"""Financial figures (revenue, TVA), aggregated by the database, and the sums the other reports share
(receivables in `reports.receivables`, the customer statement in `reports.statement`).

Revenue counts invoices in force (issued, partially paid, paid); a cancelled invoice is offset by its credit
note, so both are left out there. The TVA summary declares every numbered invoice in the month it was issued
and deducts issued credit notes in the month they were issued, as the monthly declaration does.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, NullIf, TruncMonth

from reports.pieces import Pieces, as_date
from workshop.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine
from workshop.models.common import MONEY, TvaRate
from workshop.money import MILLIME, ZERO

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


def _per_rate(prefix: str = "") -> dict:
    measures = {}
    for rate in RATES:
        measures[f"{prefix}base_{rate}"] = money_sum(Case(When(tva_rate=rate, then=F("total_ht")), default=None))
        if rate:
            measures[f"{prefix}tva_{rate}"] = money_sum(Case(When(tva_rate=rate, then=F("total_tva")), default=None))
    return measures


def tva_summary(*, date_from: date, date_to: date) -> list[dict]:
    """One row per month: base and TVA per rate net of credit notes, credit notes deducted, stamps.

    Two grouped queries on the document heads (counts, stamps), and two on the lines (invoice lines, credit-note
    lines) for the pieces of the period not in the cache (`reports.pieces`: whole past months, other days),
    added up by month. A piece over before today is cached under a fingerprint of its documents (how many, the
    sum of their ids): an issued document never changes and is never deleted, so the same fingerprint means the
    same lines, and a document issued later with a date in that piece (or a credit note) changes it; the lines,
    which carry no date and are read through their document, are then only read for the pieces that need it
    (today, and what changed).
    """
    pieces = Pieces.of(date_from, date_to)
    period = Q(issue_date__range=(date_from, date_to))
    heads = _tva_heads(Invoice.objects.filter(period, status__in=NUMBERED), pieces, "invoice")
    heads_credit = _tva_heads(
        CreditNote.objects.filter(period, status=CreditNote.Status.ISSUED), pieces, "credit", count_as="credit_notes"
    )
    found: dict = {}
    for source in (heads, heads_credit):
        for row in source:
            found.setdefault(as_date(row.pop("piece")), {}).update(row)
    keys = {piece: _tva_key(pieces, piece, found[piece]) for piece in found if pieces.cacheable(piece)}
    cached = cache.get_many(keys.values()) if keys else {}
    missing = [piece for piece in found if keys.get(piece) not in cached]
    for piece, key in keys.items():
        if key in cached:
            found[piece].update(cached[key])
    if missing:
        computed: dict = {}
        invoice_lines = (
            InvoiceLine.objects.filter(pieces.within(missing, "invoice__issue_date"), invoice__status__in=NUMBERED)
            .annotate(piece=pieces.key("invoice__issue_date"))
            .order_by()
            .values("piece")
            .annotate(**_per_rate())
        )
        credit_lines = (
            CreditNoteLine.objects.filter(
                pieces.within(missing, "credit_note__issue_date"), credit_note__status=CreditNote.Status.ISSUED
            )
            .annotate(piece=pieces.key("credit_note__issue_date"))
            .order_by()
            .values("piece")
            .annotate(**_per_rate("credited_"))
        )
        for source in (invoice_lines, credit_lines):
            for row in source:
                computed.setdefault(as_date(row.pop("piece")), {}).update(row)
        for piece, values in computed.items():
            found[piece].update(values)
        fresh = {keys[piece]: computed.get(piece, {}) for piece in missing if piece in keys}
        if fresh:
            cache.set_many(fresh, settings.ECAR_TVA_MONTH_CACHE_SECONDS)
    months: dict = {}
    for piece, values in found.items():  # each piece lies in one month: its sums and counts add up to the month's
        into = months.setdefault(piece.replace(day=1), {})
        for name, value in values.items():
            into[name] = into[name] + value if name in into else value
    return [_tva_row(month, values) for month, values in sorted(months.items(), reverse=True)]


def _tva_heads(documents, pieces: Pieces, prefix: str, count_as: str = "invoices"):
    return (
        documents.annotate(piece=pieces.key("issue_date"))
        .order_by()
        .values("piece")
        .annotate(
            **{
                count_as: Count("id"),
                f"{prefix}_stamps": money_sum("stamp_duty"),
                f"{prefix}_ids": Sum("id"),
            }
        )
    )


def _tva_key(pieces: Pieces, piece: date, heads: dict) -> str:
    parts = [str(heads.get(name, "")) for name in ("invoices", "invoice_ids", "credit_notes", "credit_ids")]
    return f"ecar:tva-lines:{pieces.name(piece)}:" + ":".join(parts)


def _tva_row(month: date, values: dict) -> dict:
    row = {"month": month, "invoices": values.get("invoices", 0), "credit_notes": values.get("credit_notes", 0)}
    total_base = total_tva = credited_ht = credited_tva = ZERO
    for rate in RATES:
        invoiced = values.get(f"base_{rate}", ZERO)
        credited = values.get(f"credited_base_{rate}", ZERO)
        row[f"base_{rate}"] = invoiced - credited
        total_base += invoiced - credited
        credited_ht += credited
        if rate:
            invoiced_tax = values.get(f"tva_{rate}", ZERO)
            credited_tax = values.get(f"credited_tva_{rate}", ZERO)
            row[f"tva_{rate}"] = invoiced_tax - credited_tax
            total_tva += invoiced_tax - credited_tax
            credited_tva += credited_tax
    row.update(
        total_base=total_base,
        total_tva=total_tva,
        credited_ht=credited_ht,
        credited_tva=credited_tva,
        stamps=values.get("invoice_stamps", ZERO) - values.get("credit_stamps", ZERO),
    )
    return row
