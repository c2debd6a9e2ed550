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


def declined_line(**kwargs) -> models.ServiceItem:
    """A line the customer declined (as `approvals.decisions` records it): it counts for nothing on the job."""
    item = ServiceItemFactory(**kwargs)
    models.ServiceItem.objects.filter(pk=item.pk).update(
        decision=models.ServiceItem.Decision.DECLINED, decided_at=item.service.received_at, decided_terms=item.terms()
    )
    item.service.refresh_totals()
    item.refresh_from_db()
    return item


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


class EInvoiceFactory(factory.django.DjangoModelFactory):
    """An e-invoice record of an issued invoice, prepared (its XML as `workshop.einvoice.teif` makes it)."""

    class Meta:
        model = models.EInvoice

    invoice = factory.SubFactory("tests.factories.IssuedInvoiceFactory", customer_tax_id="7654321WAM000")
    xml = factory.LazyAttribute(lambda o: _teif_xml(o.invoice))


def _teif_xml(document) -> str:
    from workshop.einvoice import teif

    return teif.to_bytes(teif.build(document)).decode()


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


def billing_clerk():
    """The user the factories bill as: billing refuses anonymous writes, and records who received a payment."""
    return UserFactory(username="facturation", first_name="Service", last_name="Facturation", is_superuser=True)


def _issue_date_for(number):
    """Today, in the year of an explicit number (F-2025-00099 is dated 2025): the series is per year."""
    today = date.today()
    if number is None:
        return today
    year = int(number.split("-")[1])
    return today.replace(year=year) if (today.month, today.day) != (2, 29) else date(year, 2, 28)


def _take_number(prefix, issue_date, number) -> None:
    """Make `number` the next of its series, as if every earlier one had been issued."""
    if number is None:
        return
    key = f"{prefix}-{issue_date.year}"
    serial = int(number.rsplit("-", 1)[1])
    assert number == f"{key}-{serial:05d}", f"{number} is not a number of the {key} series"
    counter, _ = models.DocumentSequence.objects.get_or_create(key=key)
    assert counter.last_value < serial, f"{number} was already given: the series is at {counter.last_value}"
    models.DocumentSequence.objects.filter(key=key).update(last_value=serial - 1)


def _issue_by_update(document, prefix, number, **fields) -> None:
    """The issuing transition done by one UPDATE (number from the counter, as `issue` takes it), for documents
    whose test states their totals without lines; the database checks the number as it checks issuing."""
    _take_number(prefix, fields["issue_date"], number)
    serial = models.DocumentSequence.next_value(f"{prefix}-{fields['issue_date'].year}")
    number = f"{prefix}-{fields['issue_date'].year}-{serial:05d}"
    type(document).objects.filter(pk=document.pk).update(status="issued", number=number, **fields)
    document.refresh_from_db()


class IssuedInvoiceFactory(InvoiceFactory):
    """An invoice as billing leaves it: a draft with its lines and totals, issued with the next number of
    its year's series, then paid or cancelled through `workshop.billing` (the database accepts no other way).

    `lines` takes a list of dicts (quantity, unit_price, discount_percent, tva_rate, kind, part, unit_cost,
    reference, description); the invoice totals are their sums plus the stamp (1.000, or 0 when `stamp_exempt`).
    `lines=[]` makes no lines and keeps the totals given to the factory. `amount_paid`/`amount_withheld` record
    that payment; `status=PAID` alone pays the balance; `status=CANCELLED` issues a total credit note.
    """

    class Meta:
        skip_postgeneration_save = True

    status = models.Invoice.Status.ISSUED
    number = None  # the next of the series; an explicit one must be ahead of the series
    issue_date = factory.LazyAttribute(lambda o: _issue_date_for(o.number))
    due_date = factory.LazyAttribute(lambda o: o.issue_date + timedelta(days=30))
    issued_at = factory.LazyFunction(timezone.now)
    customer_city = factory.LazyAttribute(lambda o: o.customer.city)
    customer_tax_id = factory.LazyAttribute(lambda o: o.customer.tax_id)
    customer_kind = factory.LazyAttribute(lambda o: o.customer.kind)  # as billing copies it (withholding)
    customer_phone = factory.LazyAttribute(lambda o: o.customer.phone or "")
    seller_address = "12 rue de l'Industrie, Charguia II, Tunis"
    seller_rne = "1234567A"
    seller_phone = "+216 71 123 456"
    seller_rib = "08 006 0123456789012 34"
    lines = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        specs, target, number = kwargs.pop("lines"), kwargs.pop("status"), kwargs.pop("number")
        paid, withheld = kwargs.pop("amount_paid", None), kwargs.pop("amount_withheld", None)
        issued = {name: kwargs.pop(name) for name in ("issue_date", "due_date", "issued_at")}
        invoice = super()._create(model_class, *args, **kwargs)
        if specs != []:  # [] : no lines, the test states the totals itself
            built = []
            for position, spec in enumerate(specs if specs is not None else [{}], start=1):
                values = _line_totals(spec)
                values.setdefault("description", f"Ligne {position}")
                built.append(models.InvoiceLine(invoice=invoice, position=position, **values))
            models.InvoiceLine.objects.bulk_create(built)
            _set_document_totals(invoice, built, Decimal("0.000") if invoice.stamp_exempt else Decimal("1.000"))
            invoice.save()
        _issue_by_update(invoice, "F", number, **issued)
        _settle(invoice, target, paid, withheld)
        return invoice


def _settle(invoice, target, paid, withheld) -> None:
    from workshop import billing

    if target == models.Invoice.Status.PAID and not (paid or withheld):
        paid = invoice.balance_due
    if paid or withheld:
        billing.record_payment(
            invoice=invoice,
            user=billing_clerk(),
            amount=paid or 0,
            withholding_amount=withheld or 0,
            payment_date=invoice.issue_date,
        )
    if target == models.Invoice.Status.CANCELLED:
        billing.create_credit_note(
            invoice=invoice, user=billing_clerk(), reason="Annulation", issue_date=invoice.issue_date
        )
    invoice.refresh_from_db()
    assert invoice.status == target, f"billing left {invoice} {invoice.status}, not {target}"


class PaymentFactory(factory.django.DjangoModelFactory):
    """A payment recorded by `billing.record_payment` (the invoice's settlement follows it)."""

    class Meta:
        model = models.Payment

    invoice = factory.SubFactory(IssuedInvoiceFactory)
    date = factory.LazyFunction(date.today)
    amount = Decimal("10.000")
    withholding_amount = Decimal("0.000")
    method = models.Payment.Method.CASH
    reference = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from workshop import billing

        return billing.record_payment(
            invoice=kwargs["invoice"],
            user=billing_clerk(),
            amount=kwargs["amount"],
            method=kwargs["method"],
            payment_date=kwargs["date"],
            withholding_amount=kwargs["withholding_amount"],
            reference=kwargs["reference"],
        )


class IssuedCreditNoteFactory(CreditNoteFactory):
    """A credit note issued by `billing.create_credit_note` on the given invoice: total by default, or
    crediting `lines` ({invoice line: quantity}). `lines=[]` issues an empty note whose totals the test states,
    without touching the invoice."""

    class Meta:
        skip_postgeneration_save = True

    invoice = factory.SubFactory(IssuedInvoiceFactory)
    status = models.CreditNote.Status.ISSUED
    number = None
    issue_date = factory.LazyAttribute(lambda o: _issue_date_for(o.number))
    customer_address = factory.LazyAttribute(lambda o: o.invoice.customer_address)
    seller_name = factory.LazyAttribute(lambda o: o.invoice.seller_name)
    seller_tax_id = factory.LazyAttribute(lambda o: o.invoice.seller_tax_id)
    is_total = True
    lines = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from workshop import billing

        specs, number, issue_date = kwargs.pop("lines"), kwargs.pop("number"), kwargs.pop("issue_date")
        kwargs.pop("status")
        if specs == []:
            note = super()._create(model_class, *args, **kwargs)
            _issue_by_update(note, "AV", number, issue_date=issue_date)
            return note
        _take_number("AV", issue_date, number)
        invoice = kwargs["invoice"]
        quantities = None if specs is None else {line.pk: quantity for line, quantity in specs.items()}
        note = billing.create_credit_note(
            invoice=invoice, user=billing_clerk(), reason=kwargs["reason"], quantities=quantities, issue_date=issue_date
        )
        assert note.is_total == kwargs["is_total"], f"{note} is_total={note.is_total}"
        invoice.refresh_from_db()
        return note


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


def billed_job(*, user, items: list[dict], issue_date=None, **service_fields) -> models.Invoice:
    """A completed job with `items` (ServiceItem fields), billed the way the garage bills it.

    `workshop.billing.create_invoice_from_service` drafts the invoice (the job becomes `invoiced`) and, when
    `issue_date` is given, `issue_invoice` numbers it from the series: totals, number and status are the ones real
    billing produces, never set by hand. Pay it or credit it with `record_payment` / `create_credit_note`.
    """
    from workshop import billing

    service = ServiceFactory(status=models.Service.Status.COMPLETED, **service_fields)
    for position, fields in enumerate(items):
        ServiceItemFactory(service=service, position=position, **fields)
    service.refresh_from_db()
    invoice = billing.create_invoice_from_service(service=service, user=user)
    if issue_date is not None:
        invoice = billing.issue_invoice(invoice=invoice, user=user, issue_date=issue_date)
    return invoice


# --- apiauth: app accounts of customers ------------------------------------------------------------------


def app_customer(username: str = "client", **customer_fields) -> models.Customer:
    """A customer with an app account (not staff, no group): the API's `customer` role."""
    user = UserFactory(username=username, is_staff=False, first_name="Mohamed", last_name="Ben Ali")
    return CustomerFactory(user=user, **customer_fields)


# --- api (garage resources) ---------------------------------------------------------------------------


class CustomerAccountFactory(UserFactory):
    """A customer's app account: not staff, no role, linked to a customer by `Customer.user`."""

    is_staff = False

    @factory.post_generation
    def customer(self, create, extracted, **kwargs):
        if create:
            target = extracted or CustomerFactory()
            target.user = self
            target.save()


# --- apidocs: API callers (billing, reports, schema) ----------------------------------------------


def customer_account(**customer_fields) -> models.Customer:
    """A customer with an app account (a user without staff access or role), as registration links them."""
    user = UserFactory(is_staff=False, first_name="Client")
    return CustomerFactory(user=user, **customer_fields)


def bearer(user) -> dict:
    """Headers of a request made with a fresh JWT access token for `user` (the app's way to call the API)."""
    from rest_framework_simplejwt.tokens import RefreshToken

    return {"HTTP_AUTHORIZATION": f"Bearer {RefreshToken.for_user(user).access_token}"}


# --- remind: the reminders ledger --------------------------------------------------------------------------------


class ReminderFactory(factory.django.DjangoModelFactory):
    """A ledger row as `workshop.notifications.reminders.record_reminder` writes it (a visite technique)."""

    class Meta:
        model = models.Reminder

    kind = models.Reminder.Kind.INSPECTION
    step = 1
    car = factory.SubFactory(CarFactory)
    customer = factory.LazyAttribute(lambda o: o.car.owner)
    due_date = date(2026, 12, 10)
    due_key = factory.LazyAttribute(lambda o: o.due_date.isoformat())
    sent_on = date(2026, 11, 10)
    notification = factory.SubFactory(
        NotificationFactory, customer=factory.SelfAttribute("..customer"), event="inspection_due"
    )


# --- stack (issue 11): the production stack ---------------------------------------------------------------


class CustomerImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CustomerImport

    file_name = factory.Sequence(lambda n: f"clients-{n}.xlsx")
    status = models.CustomerImport.Status.IMPORTED


# --- shop (issue 12: customer and car pages, stock) -----------------------------------------------------------


class StockedPartFactory(PartFactory):
    """A catalogue part with an opening stock, written as the ledger's first movement (`stock`)."""

    class Meta:
        skip_postgeneration_save = True

    stock = Decimal("10.000")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from workshop.stock import open_stock

        stock = kwargs.pop("stock")
        part = super()._create(model_class, *args, **kwargs)
        open_stock(quantities={part.pk: stock}, note="Stock initial")
        part.refresh_from_db()
        return part


# --- notify (issue 10: sending) -----------------------------------------------------------------------------------


class SmsNotificationFactory(NotificationFactory):
    """A pending SMS to the customer's phone, as `messages.queue` records it."""

    channel = models.Notification.Channel.SMS
    recipient = factory.LazyAttribute(lambda n: n.customer.phone if n.customer else "+21620000000")
    message = "Votre véhicule 123 TU 4567 est prêt."


class NotificationTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.NotificationTemplate
        django_get_or_create = ("event", "language")

    event = models.Notification.Event.CAR_READY
    language = "fr"
    text = factory.LazyAttribute(lambda t: _default_text(t.event, t.language))


def _default_text(event, language):
    from workshop.notifications.messages import EVENTS

    return EVENTS[event].defaults.get(language) or EVENTS[event].defaults["fr"]


# --- approval: estimates awaiting the customer's answer (workshop.approvals) ---------------------------------------


def estimate_awaiting_answer(*, items: int = 2, item_fields: dict | None = None, **kwargs) -> models.Service:
    """A job whose estimate is ready (« Devis prêt », `diagnosed_at` set), with `items` lines still proposed."""
    service = service_in_state(models.Service.Status.DIAGNOSED, items=items, item_fields=item_fields, **kwargs)
    models.Service.objects.filter(pk=service.pk).update(diagnosed_at=timezone.now())
    service.refresh_from_db()
    return service
