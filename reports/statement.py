"""A customer's statement: their documents and settlements of a period, with opening and running balance."""

from datetime import date

from django.db.models import CharField, F, IntegerField, Value

from reports.financial import MONEY_FIELD, NUMBERED, money_sum
from workshop.models import CreditNote, Invoice, Payment, Refund
from workshop.models.refunds import customer_credit_available
from workshop.money import ZERO

# Within one day, the order in which these things happen: a document before what settles or cancels it.
SAME_DAY_ORDER = ("invoice", "payment", "reversal", "credit_note", "refund")


def statement(*, customer_id: int, date_from: date, date_to: date) -> dict:
    """Invoices and refunds (debit), credit notes and settlements (credit) of one customer, with opening and
    running balance; a negative balance is what the garage owes the customer.

    Money kept as customer credit stays owed to the customer until a later invoice uses it, so neither the
    credit kept nor the payments « Avoir client / crédit » that spend it move the balance: they are transfers
    inside the customer's account. Counter-payments (negative) undo the payment they reverse.
    """
    invoices = Invoice.objects.filter(customer_id=customer_id, status__in=NUMBERED)
    credit_notes = CreditNote.objects.filter(customer_id=customer_id, status=CreditNote.Status.ISSUED)
    payments = Payment.objects.filter(invoice__customer_id=customer_id).exclude(method=Payment.Method.CUSTOMER_CREDIT)
    receipts, reversals = payments.filter(reverses__isnull=True), payments.filter(reverses__isnull=False)
    refunds = Refund.objects.filter(customer_id=customer_id, kind=Refund.Kind.REFUND)
    settled = F("amount") + F("withholding_amount")
    taken_back = -F("amount") - F("withholding_amount")  # a counter-payment's amounts are negative

    def total(queryset, date_field, value, **period):
        return queryset.filter(**{f"{date_field}__{lookup}": bound for lookup, bound in period.items()}).aggregate(
            v=money_sum(value)
        )["v"]

    opening = (
        total(invoices, "issue_date", "net_to_pay", lt=date_from)
        + total(refunds, "date", "amount", lt=date_from)
        + total(reversals, "date", taken_back, lt=date_from)
        - total(credit_notes, "issue_date", "net_to_pay", lt=date_from)
        - total(receipts, "date", settled, lt=date_from)
    )
    within = {"range": (date_from, date_to)}

    def entries_of(queryset, date_field, kind, document, debit, credit):
        rank = Value(SAME_DAY_ORDER.index(kind.value), output_field=IntegerField())
        return (
            queryset.filter(**{f"{date_field}__range": (date_from, date_to)})
            .order_by()
            .annotate(
                entry_date=F(date_field),
                entry_kind=kind,
                entry_rank=rank,
                document=F(document),
                debit=debit,
                credit=credit,
            )
            .values("entry_date", "entry_rank", "entry_kind", "document", "debit", "credit")
        )

    zero = Value(ZERO, output_field=MONEY_FIELD)
    entries = entries_of(
        invoices, "issue_date", Value("invoice", output_field=CharField()), "number", F("net_to_pay"), zero
    ).union(
        entries_of(
            credit_notes,
            "issue_date",
            Value("credit_note", output_field=CharField()),
            "number",
            zero,
            F("net_to_pay"),
        ),
        entries_of(receipts, "date", Value("payment", output_field=CharField()), "invoice__number", zero, settled),
        entries_of(reversals, "date", Value("reversal", output_field=CharField()), "invoice__number", taken_back, zero),
        entries_of(refunds, "date", Value("refund", output_field=CharField()), "invoice__number", F("amount"), zero),
        all=True,
    )
    entries = entries.order_by("entry_date", "entry_rank", "document")
    debit = (
        total(invoices, "issue_date", "net_to_pay", **within)
        + total(refunds, "date", "amount", **within)
        + total(reversals, "date", taken_back, **within)
    )
    credit = total(credit_notes, "issue_date", "net_to_pay", **within) + total(receipts, "date", settled, **within)
    rows = [{**row, "kind": row.pop("entry_kind")} for row in entries]
    for row in rows:
        del row["entry_rank"]
    balance = opening
    for row in rows:  # the running balance is a cumulative display column; the totals come from the database
        balance += row["debit"] - row["credit"]
        row["balance"] = balance
    return {
        "opening": opening,
        "rows": rows,
        "debit": debit,
        "credit": credit,
        "closing": opening + debit - credit,
        "customer_credit": customer_credit_available(customer_id, until=date_to),
    }
