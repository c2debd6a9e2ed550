"""The garage itself: its profile, its catalogue of parts (with or without stock) and of labour operations."""

from decimal import Decimal

import factory

from workshop import models


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


class PartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Part

    reference = factory.Sequence(lambda n: f"P-{n:05d}")
    name = factory.Sequence(lambda n: f"Pièce {n}")
    brand = "Bosch"
    unit_price = Decimal("25.000")
    purchase_price = Decimal("15.000")


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


class LabourOperationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LabourOperation

    code = factory.Sequence(lambda n: f"MO-{n:04d}")
    name = factory.Sequence(lambda n: f"Opération {n}")
    standard_hours = Decimal("1.00")
    hourly_rate = Decimal("45.000")
