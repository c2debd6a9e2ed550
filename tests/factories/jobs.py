"""Jobs (services) and their lines, in any state: estimates awaiting an answer, declined lines, billed jobs."""

from decimal import Decimal

import factory
from django.utils import timezone

from workshop import models

from .customers import CarFactory


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


def estimate_awaiting_answer(*, items: int = 2, item_fields: dict | None = None, **kwargs) -> models.Service:
    """A job whose estimate is ready (« Devis prêt », `diagnosed_at` set), with `items` lines still proposed."""
    service = service_in_state(models.Service.Status.DIAGNOSED, items=items, item_fields=item_fields, **kwargs)
    models.Service.objects.filter(pk=service.pk).update(diagnosed_at=timezone.now())
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
