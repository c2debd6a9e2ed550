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


@pytest.mark.parametrize(("typed", "stored"), [("01 234 567", "01234567"), ("123.456.789", "123456789"), ("", "")])
def test_cin_or_carte_de_sejour_is_kept_as_its_digits(typed, stored):
    customer = Customer(last_name="Trabelsi", phone="20123456", national_id=typed)
    customer.full_clean()
    customer.save()
    customer.refresh_from_db()
    assert customer.national_id == stored


@pytest.mark.parametrize("typed", ["1234567", "1234567890", "0123456A", "٠١٢٣٤٥٦٧"])
def test_a_cin_that_is_not_8_or_9_digits_is_refused_in_french(typed):
    with pytest.raises(ValidationError) as error:
        Customer(last_name="Trabelsi", phone="20123456", national_id=typed).full_clean()
    assert error.value.message_dict["national_id"][0].startswith(f"CIN ou carte de séjour invalide : « {typed} ».")
    assert "8 chiffres pour une CIN" in error.value.message_dict["national_id"][0]


@pytest.mark.parametrize("stored", ["1234567", "0123456A", "12345678 "])
def test_database_refuses_a_cin_that_is_not_8_or_9_digits_even_bypassing_clean(stored):
    customer = CustomerFactory()
    with pytest.raises(IntegrityError):
        Customer.objects.filter(pk=customer.pk).update(national_id=stored)


def test_display_name_of_individual():
    assert CustomerFactory.build(first_name="Amira", last_name="Trabelsi").display_name == "Amira Trabelsi"
