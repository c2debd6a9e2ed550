"""The accountant's export for a period: one row per invoice (HT and TVA per rate, stamp, TTC, paid, withheld,
credited, returned to the customer, balance), one row per payment (counter-payments negative, with what they
reverse and why), one row per credit note, one row per refund or customer credit kept; as an XLSX workbook
or one CSV per part.

Each part is a single query however many invoices the period holds; amounts stay Decimal to the millime.
"""

from datetime import date

from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workshop.imports.spreadsheets import write_csv, write_xlsx
from workshop.models import CreditNote, Invoice, Payment, Refund, TvaRate
from workshop.money import ZERO
from workshop.people import person_name_sql

TVA_RATES = tuple(rate.value for rate in TvaRate)  # 19, 13, 7, 0
PARTS = ("invoices", "payments", "credit_notes", "refunds")


def invoice_rows(*, start: date, end: date):
    """Every numbered invoice issued in the period, in number order, drafts excluded."""
    sums = {}
    for rate in TVA_RATES:
        sums[f"ht_{rate}"] = Sum("lines__total_ht", filter=Q(lines__tva_rate=rate))
        sums[f"tva_{rate}"] = Sum("lines__total_tva", filter=Q(lines__tva_rate=rate))
    queryset = (
        Invoice.objects.filter(number__isnull=False, issue_date__gte=start, issue_date__lte=end)
        .annotate(**sums)
        .order_by("issue_date", "number")
    )
    headers = [_("Numéro"), _("Date"), _("Échéance"), _("Statut"), _("Client"), _("Matricule fiscal")]
    for rate in TVA_RATES:
        headers += [_("Base HT %(rate)s %%") % {"rate": rate}, _("TVA %(rate)s %%") % {"rate": rate}]
    headers += [
        _("Total HT"),
        _("Total TVA"),
        _("Total TTC"),
        _("Timbre fiscal"),
        _("Net à payer"),
        _("Encaissé"),
        _("Retenue à la source"),
        _("Avoirs"),
        _("Rendu au client"),
        _("Solde"),
    ]
    statuses = dict(Invoice.Status.choices)

    def rows():
        for invoice in queryset.iterator(chunk_size=2000):
            row = [
                invoice.number,
                invoice.issue_date,
                invoice.due_date,
                str(statuses.get(invoice.status, invoice.status)),
                invoice.customer_name,
                invoice.customer_tax_id,
            ]
            for rate in TVA_RATES:
                row += [getattr(invoice, f"ht_{rate}") or ZERO, getattr(invoice, f"tva_{rate}") or ZERO]
            row += [
                invoice.total_ht,
                invoice.total_tva,
                invoice.total_ttc,
                invoice.stamp_duty,
                invoice.net_to_pay,
                invoice.amount_paid,
                invoice.amount_withheld,
                invoice.amount_credited,
                invoice.amount_refunded,
                invoice.balance_due,
            ]
            yield row

    return headers, rows()


def payment_rows(*, start: date, end: date):
    fields = (
        "date",
        "invoice__number",
        "invoice__customer_name",
        "invoice__customer_tax_id",
        "method",
        "amount",
        "withholding_amount",
        "withholding_certificate",
        "reference",
        "reverses__date",
        "reason",
    )
    queryset = Payment.objects.filter(date__gte=start, date__lte=end).order_by("date", "id").values_list(*fields)
    headers = [
        _("Date"),
        _("Facture"),
        _("Client"),
        _("Matricule fiscal"),
        _("Mode"),
        _("Montant encaissé"),
        _("Retenue à la source"),
        _("Total réglé"),
        _("N° certificat de retenue"),
        _("Référence"),
        _("Contre-passe le paiement du"),
        _("Motif de la contre-passation"),
    ]
    methods = dict(Payment.Method.choices)

    def rows():
        for (
            day,
            number,
            customer,
            tax_id,
            method,
            amount,
            withheld,
            certificate,
            reference,
            reversed_on,
            reason,
        ) in queryset.iterator(chunk_size=2000):
            yield [
                day,
                number,
                customer,
                tax_id,
                str(methods.get(method, method)),
                amount,
                withheld,
                amount + withheld,
                certificate,
                reference,
                reversed_on,
                reason,
            ]

    return headers, rows()


def credit_note_rows(*, start: date, end: date):
    fields = (
        "number",
        "issue_date",
        "invoice__number",
        "customer_name",
        "customer_tax_id",
        "reason",
        "total_ht",
        "total_tva",
        "total_ttc",
        "stamp_duty",
        "net_to_pay",
    )
    queryset = (
        CreditNote.objects.filter(number__isnull=False, issue_date__gte=start, issue_date__lte=end)
        .order_by("issue_date", "number")
        .values_list(*fields)
    )
    headers = [
        _("Numéro"),
        _("Date"),
        _("Facture"),
        _("Client"),
        _("Matricule fiscal"),
        _("Motif"),
        _("Total HT"),
        _("Total TVA"),
        _("Total TTC"),
        _("Timbre fiscal"),
        _("Net à rembourser"),
    ]
    return headers, (list(row) for row in queryset.iterator(chunk_size=2000))


def refund_rows(*, start: date, end: date):
    """Money owed back to customers on cancelled invoices: refunded (a disbursement) or kept as their credit."""
    fields = (
        "date",
        "invoice__number",
        "invoice__customer_name",
        "invoice__customer_tax_id",
        "kind",
        "method",
        "amount",
        "reference",
        "recorded_by_name",
    )
    queryset = (
        Refund.objects.filter(date__gte=start, date__lte=end)
        .annotate(recorded_by_name=person_name_sql("recorded_by"))
        .order_by("date", "id")
        .values_list(*fields)
    )
    headers = [
        _("Date"),
        _("Facture"),
        _("Client"),
        _("Matricule fiscal"),
        _("Type"),
        _("Mode"),
        _("Montant"),
        _("Référence"),
        _("Enregistré par"),
    ]
    kinds, methods = dict(Refund.Kind.choices), dict(Payment.Method.choices)

    def rows():
        for day, number, customer, tax_id, kind, method, amount, reference, user in queryset.iterator(chunk_size=2000):
            yield [
                day,
                number,
                customer,
                tax_id,
                str(kinds[kind]),
                str(methods.get(method, "")),
                amount,
                reference,
                user,
            ]

    return headers, rows()


_PARTS = {
    "invoices": (invoice_rows, gettext_lazy("Factures")),
    "payments": (payment_rows, gettext_lazy("Paiements")),
    "credit_notes": (credit_note_rows, gettext_lazy("Avoirs")),
    "refunds": (refund_rows, gettext_lazy("Remboursements")),
}


def accounting_workbook(*, start: date, end: date) -> bytes:
    """One XLSX, one sheet per part."""
    sheets = []
    for builder, title in _PARTS.values():
        headers, rows = builder(start=start, end=end)
        sheets.append((str(title), headers, rows))
    return write_xlsx(sheets)


def accounting_csv(*, start: date, end: date, part: str) -> bytes:
    """One part (`invoices`, `payments`, `credit_notes` or `refunds`) as a French-Excel CSV."""
    builder, _title = _PARTS[part]
    headers, rows = builder(start=start, end=end)
    return write_csv(headers, rows)


def accounting_file_name(*, start: date, end: date, part: str | None = None, extension: str = "xlsx") -> str:
    suffix = f"-{part.replace('_', '-')}" if part else ""
    return f"comptabilite-{start:%Y%m%d}-{end:%Y%m%d}{suffix}.{extension}"
