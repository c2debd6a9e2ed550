"""The customer list's search finds a matricule fiscal typed the way it is printed."""

import pytest
from django.urls import reverse

from tests import factories as f

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
