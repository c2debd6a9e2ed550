"""Every test's data comes from here."""

from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from workshop import models


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


def service_in_state(status: str, *, items: int = 1, **kwargs) -> models.Service:
    """A job in any state with `items` lines: built as `completed`, then moved by a plain UPDATE.

    Tests of a later step need a job already there without replaying every transition; items are added
    first because an invoiced job's lines are frozen.
    """
    service = ServiceFactory(status=models.Service.Status.COMPLETED, **kwargs)
    ServiceItemFactory.create_batch(items, service=service)
    models.Service.objects.filter(pk=service.pk).update(status=status)
    service.refresh_from_db()
    return service
