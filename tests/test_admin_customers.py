"""The customer admin: a matricule fiscal typed and searched the way it is printed; a CIN typed with spaces."""

import re

import pytest
from django.urls import reverse

from tests import factories as f
from workshop.models import Customer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "term",
    ["1234567/A/B/M/000", "1234567 A/B/M/000", "1234567A/B/M/000", "1234567/a/b/m/000", "1234567ABM000", "1234567A"],
)
def test_customer_search_finds_the_tax_id_as_displayed(manager_client, term):
    customer = f.BusinessCustomerFactory(company_name="Transport Sahel SARL", tax_id="1234567ABM000")
    other = f.BusinessCustomerFactory(company_name="Garage Nabeul SARL", tax_id="7654321BAM000")
    html = manager_client.get(reverse("admin:workshop_customer_changelist"), {"q": term}).content.decode()
    assert f"/{customer.pk}/change/" in html
    assert f"/{other.pk}/change/" not in html
    assert "1234567/A/B/M/000" in html  # shown as printed


def test_a_tax_id_search_never_lists_every_customer(manager_client):
    f.BusinessCustomerFactory(company_name="Transport Sahel SARL", tax_id="1234567ABM000")
    html = manager_client.get(reverse("admin:workshop_customer_changelist"), {"q": "7654321/B/A/M/000"}).content
    assert b"Transport Sahel SARL" not in html


# --- apiauth: who may link an app account to a customer ------------------------------------------------


def test_only_user_managers_link_an_app_account_and_only_a_plain_one(rf, adviser, manager):
    from django.contrib import admin as django_admin

    from workshop.admin.customers import CustomerAdmin
    from workshop.models import Customer

    customer = f.CustomerFactory()
    app_account = f.UserFactory(username="app", is_staff=False)
    model_admin = CustomerAdmin(Customer, django_admin.site)
    request = rf.get("/")
    request.user = adviser
    assert "user" in model_admin.get_readonly_fields(request, customer)
    assert "user" not in model_admin.get_form(request, customer).base_fields  # a posted id is ignored
    request.user = manager
    field = model_admin.get_form(request, customer).base_fields["user"]
    assert list(field.queryset) == [app_account]  # no staff, no one with a role


def business_form(**overrides):
    data = {
        "kind": "business",
        "company_name": "Transport Sahel SARL",
        "tax_id": "1234567/A/B/M/000",
        "phone": "20 123 456",
        "city": "Sousse",
        "preferred_language": "fr",
        "sms_consent": "on",
        "cars-TOTAL_FORMS": "0",
        "cars-INITIAL_FORMS": "0",
    }
    return {**data, **overrides}


def test_the_tax_id_field_lets_people_type_the_printed_form(manager_client):
    html = manager_client.get(reverse("admin:workshop_customer_add")).content.decode()
    field = re.search(r'<input[^>]*name="tax_id"[^>]*>', html).group(0)
    assert int(re.search(r'maxlength="(\d+)"', field).group(1)) >= len("1234567 / A / B / M / 000")


@pytest.mark.parametrize("typed", ["1234567/A/B/M/000", "1234567 A/B/M/000", "1234567 / A / B / M / 000"])
def test_a_tax_id_typed_as_printed_is_saved_compact(manager_client, typed):
    response = manager_client.post(reverse("admin:workshop_customer_add"), business_form(tax_id=typed))
    assert response.status_code == 302, response.context["adminform"].form.errors
    customer = Customer.objects.get(company_name="Transport Sahel SARL")
    assert customer.tax_id == "1234567ABM000"


def test_a_wrong_tax_id_is_refused_with_its_format(manager_client):
    response = manager_client.post(reverse("admin:workshop_customer_add"), business_form(tax_id="1234567/I/B/M/000"))
    assert response.status_code == 200
    assert "Matricule fiscal invalide" in response.content.decode()
    assert not Customer.objects.exists()


def test_a_private_customers_cin_is_typed_next_to_the_tax_id_and_saved_as_digits(manager_client):
    html = manager_client.get(reverse("admin:workshop_customer_add")).content.decode()
    field = re.search(r'<input[^>]*name="national_id"[^>]*>', html).group(0)
    assert int(re.search(r'maxlength="(\d+)"', field).group(1)) >= len("01 234 567")
    assert html.index('name="tax_id"') < html.index('name="national_id"') < html.index('name="stamp_exempt"')
    person = {"kind": "individual", "company_name": "", "tax_id": "", "last_name": "Trabelsi"}
    response = manager_client.post(
        reverse("admin:workshop_customer_add"), business_form(**person, national_id="01 234 567")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Customer.objects.get(last_name="Trabelsi").national_id == "01234567"


def test_a_wrong_cin_is_refused_with_its_format(manager_client):
    person = {"kind": "individual", "company_name": "", "tax_id": "", "last_name": "Trabelsi"}
    response = manager_client.post(reverse("admin:workshop_customer_add"), business_form(**person, national_id="1234"))
    assert response.status_code == 200
    assert "CIN ou carte de séjour invalide : « 1234 »" in response.content.decode()
    assert not Customer.objects.exists()
