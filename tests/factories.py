"""Every test's data comes from here."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from workshop import models
from workshop.money import line_amounts


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Customer

    first_name = "Mohamed"
    last_name = factory.Sequence(lambda n: f"Ben Ali {n}")
    phone = factory.Sequence(lambda n: f"+2162{n:07d}")
    email = factory.Sequence(lambda n: f"client{n}@exemple.tn")
    address = "12 avenue Habib Bourguiba"
    city = "Tunis"


class BusinessCustomerFactory(CustomerFactory):
    kind = models.Customer.Kind.BUSINESS
    company_name = factory.Sequence(lambda n: f"Transport Sahel {n} SARL")
    tax_id = "1234567ABM000"


class CarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Car

    owner = factory.SubFactory(CustomerFactory)
    plate = factory.Sequence(lambda n: f"{100 + n // 9999} TU {n % 9999 + 1}")
    make = "Peugeot"
    model = "208"
    year = 2019
    fuel = models.Car.Fuel.PETROL
    mileage = 85000


class PartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Part

    reference = factory.Sequence(lambda n: f"P-{n:05d}")
    name = factory.Sequence(lambda n: f"Pièce {n}")
    brand = "Bosch"
    unit_price = Decimal("25.000")
    purchase_price = Decimal("15.000")


class LabourOperationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LabourOperation

    code = factory.Sequence(lambda n: f"MO-{n:04d}")
    name = factory.Sequence(lambda n: f"Opération {n}")
    standard_hours = Decimal("1.00")
    hourly_rate = Decimal("45.000")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Service

    car = factory.SubFactory(CarFactory)
    customer = factory.LazyAttribute(lambda o: o.car.owner)
    kind = models.Service.Kind.MAINTENANCE
    complaint = "Vidange"
    mileage_in = 85000
    received_at = factory.LazyFunction(timezone.now)


class ServiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ServiceItem

    service = factory.SubFactory(ServiceFactory)
    description = factory.Sequence(lambda n: f"Ligne {n}")
    quantity = Decimal("1.000")
    unit_price = Decimal("100.000")
    tva_rate = 19


class WorkshopProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.WorkshopProfile
        django_get_or_create = ("id",)

    id = 1
    name = "Garage ECAR SARL"
    address = "12 rue de l'Industrie, Charguia II"
    city = "Tunis"
    tax_id = "1234567ABM000"
    rne = "1234567A"
    phone = "+216 71 123 456"
    rib = "08 006 0123456789012 34"


class InvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Invoice

    customer = factory.SubFactory(CustomerFactory)
    customer_name = factory.LazyAttribute(lambda o: o.customer.display_name)
    customer_address = factory.LazyAttribute(lambda o: o.customer.address)
    seller_name = "Garage ECAR SARL"
    seller_tax_id = "1234567ABM000"


class InvoiceLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.InvoiceLine

    invoice = factory.SubFactory(InvoiceFactory)
    description = factory.Sequence(lambda n: f"Ligne {n}")
    quantity = Decimal("1.000")
    unit_price = Decimal("100.000")
    tva_rate = 19
    total_ht = Decimal("100.000")
    total_tva = Decimal("19.000")
    total_ttc = Decimal("119.000")


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Payment

    invoice = factory.SubFactory(InvoiceFactory)
    date = factory.LazyFunction(date.today)
    amount = Decimal("10.000")


class RefundFactory(factory.django.DjangoModelFactory):
    """A row of the refunds ledger as `workshop.settlements` writes it (kind credit: no method)."""

    class Meta:
        model = models.Refund

    kind = models.Refund.Kind.CREDIT
    invoice = factory.SubFactory(InvoiceFactory)
    customer = factory.LazyAttribute(lambda o: o.invoice.customer)
    amount = Decimal("10.000")
    date = factory.LazyFunction(date.today)
    recorded_by = factory.SubFactory(UserFactory)


class CreditNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CreditNote

    invoice = factory.SubFactory(InvoiceFactory)
    customer = factory.LazyAttribute(lambda o: o.invoice.customer)
    customer_name = factory.LazyAttribute(lambda o: o.invoice.customer_name)
    reason = "Erreur de facturation"


class CreditNoteLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CreditNoteLine

    credit_note = factory.SubFactory(CreditNoteFactory)
    invoice_line = factory.SubFactory(InvoiceLineFactory, invoice=factory.SelfAttribute("..credit_note.invoice"))
    description = "Ligne créditée"
    quantity = Decimal("1.000")
    unit_price = Decimal("100.000")


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Notification

    customer = factory.SubFactory(CustomerFactory)
    event = models.Notification.Event.CAR_READY
    message = "Votre véhicule est prêt."


def _line_totals(spec: dict) -> dict:
    """A document line's stored amounts, from its quantity, price, discount and rate."""
    quantity = Decimal(str(spec.get("quantity", "1")))
    unit_price = Decimal(str(spec.get("unit_price", "100.000")))
    discount = Decimal(str(spec.get("discount_percent", "0")))
    tva_rate = spec.get("tva_rate", 19)
    total_ht, total_tva, total_ttc = line_amounts(
        quantity=quantity, unit_price=unit_price, discount_percent=discount, tva_rate=tva_rate
    )
    return {
        **spec,
        "quantity": quantity,
        "unit_price": unit_price,
        "discount_percent": discount,
        "tva_rate": tva_rate,
        "total_ht": total_ht,
        "total_tva": total_tva,
        "total_ttc": total_ttc,
    }


def _set_document_totals(document, lines, stamp: Decimal) -> None:
    document.total_ht = sum((line.total_ht for line in lines), Decimal("0.000"))
    document.total_tva = sum((line.total_tva for line in lines), Decimal("0.000"))
    document.total_ttc = document.total_ht + document.total_tva
    document.stamp_duty = stamp
    document.net_to_pay = document.total_ttc + stamp


class IssuedDocumentFactoryMixin:
    """Issued documents cannot be saved once issued, so the factory builds a draft, adds its lines and totals,
    then moves the row to its issued state (number, status) in one UPDATE, as issuing does."""

    ISSUED_FIELDS = ("status", "number")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        issued = {name: kwargs.pop(name) for name in cls.ISSUED_FIELDS if name in kwargs}
        document = super()._create(model_class, *args, status=model_class.Status.DRAFT, **kwargs)
        document._issued_state = issued
        return document


def _promote(document) -> None:
    """Move a draft built by an issued-document factory to its issued state."""
    issued = getattr(document, "_issued_state", None)
    if issued:
        type(document).objects.filter(pk=document.pk).update(**issued)
        document.refresh_from_db()


class IssuedInvoiceFactory(IssuedDocumentFactoryMixin, InvoiceFactory):
    """An invoice as issuing leaves it: number, dates, frozen identities, lines and their totals.

    `lines` takes a list of dicts (quantity, unit_price, discount_percent, tva_rate, kind, part, unit_cost,
    reference, description); the invoice totals are their sums plus the stamp (1.000, or 0 when `stamp_exempt`).
    `lines=[]` makes no lines and keeps the totals given to the factory.
    """

    class Meta:
        skip_postgeneration_save = True

    status = models.Invoice.Status.ISSUED
    number = factory.Sequence(lambda n: f"F-2026-{n + 1:05d}")
    issue_date = factory.LazyFunction(date.today)
    due_date = factory.LazyAttribute(lambda o: o.issue_date + timedelta(days=30))
    issued_at = factory.LazyFunction(timezone.now)
    customer_city = factory.LazyAttribute(lambda o: o.customer.city)
    customer_tax_id = factory.LazyAttribute(lambda o: o.customer.tax_id)
    customer_phone = factory.LazyAttribute(lambda o: o.customer.phone or "")
    seller_address = "12 rue de l'Industrie, Charguia II, Tunis"
    seller_rne = "1234567A"
    seller_phone = "+216 71 123 456"
    seller_rib = "08 006 0123456789012 34"

    @factory.post_generation
    def lines(self, create, extracted, **kwargs):
        if extracted == []:  # no lines: the test states the totals itself
            if create:
                _promote(self)
            return
        specs = extracted if extracted is not None else [{}]
        built = []
        for position, spec in enumerate(specs, start=1):
            values = _line_totals(spec)
            values.setdefault("description", f"Ligne {position}")
            built.append(models.InvoiceLine(invoice=self, position=position, **values))
        if create:
            models.InvoiceLine.objects.bulk_create(built)
        stamp = Decimal("0.000") if self.stamp_exempt else Decimal("1.000")
        _set_document_totals(self, built, stamp)
        if create:
            self.save()
            _promote(self)


class IssuedCreditNoteFactory(IssuedDocumentFactoryMixin, CreditNoteFactory):
    """An issued credit note crediting the given invoice lines' `quantity` (all lines, whole, by default)."""

    class Meta:
        skip_postgeneration_save = True

    invoice = factory.SubFactory(IssuedInvoiceFactory)
    status = models.CreditNote.Status.ISSUED
    number = factory.Sequence(lambda n: f"AV-2026-{n + 1:05d}")
    issue_date = factory.LazyFunction(date.today)
    customer_address = factory.LazyAttribute(lambda o: o.invoice.customer_address)
    seller_name = factory.LazyAttribute(lambda o: o.invoice.seller_name)
    seller_tax_id = factory.LazyAttribute(lambda o: o.invoice.seller_tax_id)
    is_total = True

    @factory.post_generation
    def lines(self, create, extracted, **kwargs):
        if extracted == []:  # no lines: the test states the totals itself
            if create:
                _promote(self)
            return
        invoice_lines = list(self.invoice.lines.all()) if extracted is None else extracted
        built = []
        for position, invoice_line in enumerate(invoice_lines, start=1):
            values = _line_totals(
                {
                    "quantity": invoice_line.quantity,
                    "unit_price": invoice_line.unit_price,
                    "discount_percent": invoice_line.discount_percent,
                    "tva_rate": invoice_line.tva_rate,
                }
            )
            built.append(
                models.CreditNoteLine(
                    credit_note=self,
                    invoice_line=invoice_line,
                    position=position,
                    description=invoice_line.description,
                    kind=invoice_line.kind,
                    **values,
                )
            )
        if create:
            models.CreditNoteLine.objects.bulk_create(built)
        _set_document_totals(self, built, Decimal("1.000") if self.is_total else Decimal("0.000"))
        if create:
            self.save()
            _promote(self)


# --- Spreadsheets as garages send them (imports) -------------------------------------------------

GARAGE_HEADERS = ["Nom", "Prénom", "Société", "Téléphone", "Email", "Adresse", "Ville", "Matricule fiscal"]
GARAGE_HEADERS += ["Immatriculation", "Marque", "Modèle", "Année", "VIN", "Kilométrage"]


def garage_row(n: int, **overrides) -> dict:
    """Row n of a well-formed customer sheet: customer n with car n, values written as people type them."""
    row = {
        "Nom": f"Ben Salah {n}",
        "Prénom": "Sami",
        "Société": "",
        "Téléphone": f"2{n:07d}"[:2] + " " + f"2{n:07d}"[2:5] + " " + f"2{n:07d}"[5:],
        "Email": f"client{n}@exemple.tn",
        "Adresse": "12 rue de Marseille",
        "Ville": "Tunis",
        "Matricule fiscal": "",
        "Immatriculation": f"{100 + n // 9999} tun {n % 9999 + 1}",
        "Marque": "Peugeot",
        "Modèle": "208",
        "Année": "2019",
        "VIN": "",
        "Kilométrage": "85 000",
    }
    row.update(overrides)
    return row


def garage_csv(rows: list[dict], *, headers=None, delimiter=";", encoding="utf-8", bom=False) -> bytes:
    import csv
    import io

    headers = headers or GARAGE_HEADERS
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(header, "") for header in headers])
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def garage_xlsx(rows: list[dict], *, headers=None, typed=False) -> bytes:
    """An Excel sheet; `typed` stores phones, years and mileages as numbers, as Excel users end up doing."""
    import io

    from openpyxl import Workbook

    headers = headers or GARAGE_HEADERS
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    numeric = {"Année", "Kilométrage", "Téléphone"}
    for row in rows:
        values = []
        for header in headers:
            value = row.get(header, "")
            if typed and header in numeric and value:
                value = int(str(value).replace(" ", ""))
            values.append(value if value != "" else None)
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def service_in_state(status: str, *, items: int = 1, item_fields: dict | None = None, **kwargs) -> models.Service:
    """A job in any state with `items` lines: built as `completed`, then moved by a plain UPDATE.

    Tests of a later step need a job already there without replaying every transition; items are added
    first because an invoiced job's lines are frozen. `item_fields` go to each line.
    """
    service = ServiceFactory(status=models.Service.Status.COMPLETED, **kwargs)
    ServiceItemFactory.create_batch(items, service=service, **(item_fields or {}))
    models.Service.objects.filter(pk=service.pk).update(status=status)
    service.refresh_from_db()
    return service
