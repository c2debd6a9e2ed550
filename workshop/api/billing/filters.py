"""Filters of the billing lists (django-filter): a bad value answers 400 naming the parameter.

Customer and invoice are filtered by id without looking them up, so an unknown id or another customer's
yields an empty page rather than revealing whether it exists.
"""

import django_filters as filters
from django import forms
from django.utils.translation import gettext_lazy as _

from workshop.models import CreditNote, Invoice, Payment


class IdFilter(filters.NumberFilter):
    """A whole id (`?customer=12`); 12.5 or 1e3 is refused, not rounded."""

    field_class = forms.IntegerField


class InvoiceFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=Invoice.Status.choices, help_text=_("statut (répétable)"))
    customer = IdFilter(field_name="customer_id", help_text=_("id du client"))
    service = IdFilter(field_name="service_id", help_text=_("id de l'ordre de réparation"))
    issue_date = filters.DateFromToRangeFilter(help_text=_("date d'émission : issue_date_after, issue_date_before"))
    due_date = filters.DateFromToRangeFilter(help_text=_("échéance : due_date_after, due_date_before"))
    number = filters.CharFilter(lookup_expr="iexact", help_text=_("numéro exact, ex. F-2026-00001"))

    class Meta:
        model = Invoice
        fields = []


class CreditNoteFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=CreditNote.Status.choices)
    customer = IdFilter(field_name="customer_id", help_text=_("id du client"))
    invoice = IdFilter(field_name="invoice_id", help_text=_("id de la facture"))
    invoice_status = filters.MultipleChoiceFilter(
        field_name="invoice__status", choices=Invoice.Status.choices, help_text=_("statut de la facture")
    )
    issue_date = filters.DateFromToRangeFilter(help_text=_("issue_date_after, issue_date_before"))

    class Meta:
        model = CreditNote
        fields = []


class PaymentFilter(filters.FilterSet):
    method = filters.ChoiceFilter(choices=Payment.Method.choices)
    customer = IdFilter(field_name="invoice__customer_id", help_text=_("id du client"))
    invoice = IdFilter(field_name="invoice_id", help_text=_("id de la facture"))
    invoice_status = filters.MultipleChoiceFilter(
        field_name="invoice__status", choices=Invoice.Status.choices, help_text=_("statut de la facture")
    )
    date = filters.DateFromToRangeFilter(help_text=_("date du paiement : date_after, date_before"))

    class Meta:
        model = Payment
        fields = []
