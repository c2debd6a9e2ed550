"""Changelist exports: the rows a user filtered, with French headers, to CSV or XLSX that accountants can use.

Resources return native values (Decimal, date), so the XLSX holds numbers with 3 decimals and real dates, and
the CSV writes them the way French Excel reads them. Each resource names the relations it follows, so an
export runs a constant number of queries whatever its size.
"""

from django.utils.translation import gettext_lazy as _
from import_export.fields import Field
from import_export.formats import base_formats
from import_export.resources import Resource

from workshop.imports.spreadsheets import write_csv, write_xlsx
from workshop.models import Car, CreditNote, Customer, Invoice, Payment, Refund, Service
from workshop.people import person_name


def column(attribute: str, header) -> Field:
    return Field(attribute=attribute, column_name=header, readonly=True)


class PersonField(Field):
    """The user at `attribute`, named as everywhere else: full name, else login (workshop.people)."""

    def get_value(self, instance):
        return person_name(super().get_value(instance))


def person(attribute: str, header) -> Field:
    return PersonField(attribute=attribute, column_name=header, readonly=True)


class ListExport(Resource):
    """Export only: native values, one query (plus `select_related`) for the whole queryset."""

    select_related: tuple[str, ...] = ()

    @classmethod
    def get_display_name(cls):
        return cls.__name__

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related(*self.select_related) if self.select_related else queryset

    def export_field(self, field, instance, **kwargs):
        return field.get_value(instance)

    def get_export_order(self):
        return tuple(self.fields)


class CustomerExport(ListExport):
    id = column("id", _("N° client"))
    kind = column("get_kind_display", _("Type"))
    last_name = column("last_name", _("Nom"))
    first_name = column("first_name", _("Prénom"))
    company_name = column("company_name", _("Société"))
    phone = column("phone", _("Téléphone"))
    email = column("email", _("Email"))
    address = column("address", _("Adresse"))
    city = column("city", _("Ville"))
    tax_id = column("tax_id_display", _("Matricule fiscal"))
    stamp_exempt = column("stamp_exempt", _("Exonéré du timbre"))
    created_at = column("created_at", _("Créé le"))


class CarExport(ListExport):
    select_related = ("owner",)
    plate = column("plate", _("Immatriculation"))
    vin = column("vin", _("VIN"))
    make = column("make", _("Marque"))
    model = column("model", _("Modèle"))
    year = column("year", _("Année"))
    fuel = column("get_fuel_display", _("Carburant"))
    mileage = column("mileage", _("Kilométrage"))
    owner = column("owner__display_name", _("Propriétaire"))
    owner_phone = column("owner__phone", _("Téléphone"))
    next_service_date = column("next_service_date", _("Prochain entretien"))


class ServiceExport(ListExport):
    select_related = ("car", "customer", "mechanic")
    reference = column("reference", _("Référence"))
    received_at = column("received_at", _("Reçu le"))
    plate = column("car__plate", _("Immatriculation"))
    customer = column("customer__display_name", _("Client"))
    kind = column("get_kind_display", _("Type"))
    status = column("get_status_display", _("Statut"))
    mechanic = person("mechanic", _("Mécanicien"))
    mileage_in = column("mileage_in", _("Kilométrage à l'entrée"))
    completed_at = column("completed_at", _("Terminé le"))
    total_ht = column("total_ht", _("Total HT"))
    total_tva = column("total_tva", _("Total TVA"))
    total_ttc = column("total_ttc", _("Total TTC"))


class InvoiceExport(ListExport):
    number = column("number", _("Numéro"))
    issue_date = column("issue_date", _("Date"))
    due_date = column("due_date", _("Échéance"))
    status = column("get_status_display", _("Statut"))
    customer_name = column("customer_name", _("Client"))
    customer_tax_id = column("customer_tax_id", _("Matricule fiscal"))
    total_ht = column("total_ht", _("Total HT"))
    total_tva = column("total_tva", _("Total TVA"))
    total_ttc = column("total_ttc", _("Total TTC"))
    stamp_duty = column("stamp_duty", _("Timbre fiscal"))
    net_to_pay = column("net_to_pay", _("Net à payer"))
    amount_paid = column("amount_paid", _("Encaissé"))
    amount_withheld = column("amount_withheld", _("Retenue à la source"))
    amount_credited = column("amount_credited", _("Avoirs"))
    balance_due = column("balance_due", _("Reste dû"))


class PaymentExport(ListExport):
    select_related = ("invoice",)
    date = column("date", _("Date"))
    invoice = column("invoice__number", _("Facture"))
    customer = column("invoice__customer_name", _("Client"))
    method = column("get_method_display", _("Mode"))
    amount = column("amount", _("Montant encaissé"))
    withholding_amount = column("withholding_amount", _("Retenue à la source"))
    withholding_certificate = column("withholding_certificate", _("N° certificat de retenue"))
    reference = column("reference", _("Référence"))


class CreditNoteExport(ListExport):
    select_related = ("invoice",)
    number = column("number", _("Numéro"))
    issue_date = column("issue_date", _("Date"))
    invoice = column("invoice__number", _("Facture"))
    customer_name = column("customer_name", _("Client"))
    customer_tax_id = column("customer_tax_id", _("Matricule fiscal"))
    status = column("get_status_display", _("Statut"))
    reason = column("reason", _("Motif"))
    total_ht = column("total_ht", _("Total HT"))
    total_tva = column("total_tva", _("Total TVA"))
    total_ttc = column("total_ttc", _("Total TTC"))
    stamp_duty = column("stamp_duty", _("Timbre fiscal"))
    net_to_pay = column("net_to_pay", _("Net à rembourser"))


class RefundExport(ListExport):
    select_related = ("invoice", "customer", "recorded_by")
    date = column("date", _("Date"))
    invoice = column("invoice__number", _("Facture"))
    customer = column("customer__display_name", _("Client"))
    kind = column("get_kind_display", _("Type"))
    amount = column("amount", _("Montant"))
    method = column("get_method_display", _("Mode"))
    reference = column("reference", _("Référence"))
    recorded_by = person("recorded_by", _("Enregistré par"))


EXPORTS = {
    Customer: CustomerExport,
    Car: CarExport,
    Service: ServiceExport,
    Invoice: InvoiceExport,
    Payment: PaymentExport,
    CreditNote: CreditNoteExport,
    Refund: RefundExport,
}


def export_rows(resource: ListExport, queryset, fields=None):
    """Headers and a generator of rows, the same cells `Resource.export` puts in its dataset, read in chunks
    from the database (`iterator`) for a streamed CSV."""
    headers = resource.get_export_headers(selected_fields=fields)

    def rows():
        for instance in resource.iter_queryset(resource.filter_export(queryset)):
            yield resource.export_resource(instance, selected_fields=fields)

    return headers, rows()


class FrenchCSV(base_formats.CSV):
    """`;`, UTF-8 with BOM, decimal comma, dd/mm/yyyy: opens as numbers and dates in French Excel."""

    def get_title(self):
        return "csv"

    def is_binary(self):
        return True

    def can_import(self):
        return False

    def export_data(self, dataset, **kwargs):
        return write_csv(dataset.headers, dataset)


class TypedXLSX(base_formats.XLSX):
    """Amounts as numbers formatted with 3 decimals, dates as dates."""

    def can_import(self):
        return False

    def export_data(self, dataset, **kwargs):
        return write_xlsx([(dataset.title or "Export", dataset.headers, dataset)])


EXPORT_FORMATS = [FrenchCSV, TypedXLSX]
