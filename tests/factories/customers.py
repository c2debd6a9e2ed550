"""Customers, private and business, and their cars."""

import factory

from workshop import models


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
