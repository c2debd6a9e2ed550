"""Billing documents: invoices (draft or issued through `workshop.billing`), payments, refunds, credit notes
and e-invoices."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from workshop import models
from workshop.money import line_amounts

from .accounts import UserFactory, billing_clerk
from .customers import CustomerFactory


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
        if kwargs.get("service") is not None:  # the job's kind and mechanic, copied as billing copies them
            kwargs.setdefault("job_kind", kwargs["service"].kind)
            kwargs.setdefault("mechanic", kwargs["service"].mechanic)
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
