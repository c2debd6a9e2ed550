import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from tests.factories import BusinessCustomerFactory, CustomerFactory
from workshop.models import Customer

pytestmark = pytest.mark.django_db


def test_full_clean_normalises_phone_tax_id_email_and_spaces():
    customer = Customer(
        kind=Customer.Kind.BUSINESS,
        company_name="  Transport   Sahel SARL ",
        tax_id="1234567 a/b/m/000",
        phone="20 123 456",
        email=" Contact@Sahel.TN ",
    )
    customer.full_clean()
    customer.save()
    customer.refresh_from_db()
    assert (customer.phone, customer.tax_id, customer.email) == ("+21620123456", "1234567ABM000", "contact@sahel.tn")
    assert customer.company_name == "Transport Sahel SARL"
    assert customer.tax_id_display == "1234567/A/B/M/000"
    assert str(customer) == "Transport Sahel SARL"


def test_same_phone_in_another_spelling_is_a_duplicate():
    CustomerFactory(phone="+21620123456")
    with pytest.raises(ValidationError) as error:
        Customer(last_name="Trabelsi", phone="0021620123456").full_clean()
    assert "phone" in error.value.message_dict


def test_wrong_phone_reports_the_french_message_on_the_field():
    with pytest.raises(ValidationError) as error:
        Customer(last_name="Trabelsi", phone="12 34").full_clean()
    assert "Numéro de téléphone invalide" in error.value.message_dict["phone"][0]


def test_business_needs_company_name_and_tax_id():
    with pytest.raises(ValidationError) as error:
        Customer(kind=Customer.Kind.BUSINESS, phone="20123456").full_clean()
    assert {"company_name", "tax_id"} <= set(error.value.message_dict)


def test_individual_needs_a_name_and_a_way_to_be_reached():
    with pytest.raises(ValidationError) as error:
        Customer(first_name="Ali").full_clean()
    assert {"last_name", "phone"} <= set(error.value.message_dict)


def test_customers_without_phone_do_not_collide():
    CustomerFactory(phone=None)
    CustomerFactory(phone="")
    assert Customer.objects.filter(phone__isnull=True).count() == 2


def test_database_refuses_a_business_without_tax_id_even_bypassing_clean():
    with pytest.raises(IntegrityError):
        BusinessCustomerFactory(tax_id="")


def test_display_name_of_individual():
    assert CustomerFactory.build(first_name="Amira", last_name="Trabelsi").display_name == "Amira Trabelsi"
