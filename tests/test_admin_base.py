"""What the shared admin base guarantees for every model: history pages that only show, to those who may see.

Findings 1, 9 and 14 of issue 8: simple-history's version page saved a POST; a mechanic read another
mechanic's job through its history; « Historique » answered 500 on models without a history table.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from tests import factories as f
from workshop import billing, roles
from workshop.admin import base
from workshop.models import CreditNote, Customer, Service, WorkshopProfile


def version_url(obj):
    opts = obj._meta
    record = obj.history.order_by("-history_id").first()
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, record.history_id])


def history_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])


def workshop_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label == "workshop"
    ]


def test_every_workshop_admin_is_built_on_the_guarded_base():
    """A new workshop admin gets read-only history and guarded buttons only through EcarModelAdmin."""
    for model, model_admin in workshop_admins():
        assert isinstance(model_admin, base.EcarModelAdmin), model
        assert isinstance(model_admin, base.AuditHistoryAdminMixin), model
        assert isinstance(model_admin, base.ObjectActionGuardMixin), model


def test_every_button_declares_the_permission_it_needs():
    for model, model_admin in admin.site._registry.items():
        actions = [
            *getattr(model_admin, "_get_base_actions_detail", list)(),
            *getattr(model_admin, "_get_base_actions_row", list)(),
            *getattr(model_admin, "_get_base_actions_list", list)(),
        ]
        for action in actions:
            assert getattr(action.method, "allowed_permissions", None), f"{model.__name__}: {action.action_name}"


@pytest.mark.django_db
def test_the_accountant_cannot_rewrite_the_rib_through_a_version_page(login, accountant):
    profile = f.WorkshopProfileFactory()
    response = login(accountant).post(version_url(profile), {"name": "X", "rib": "99 999 9999999999999 99"})
    assert response.status_code == 405
    profile.refresh_from_db()
    assert (profile.name, profile.rib) == ("Garage ECAR SARL", "08 006 0123456789012 34")
    assert profile.history.count() == 1


@pytest.mark.django_db
def test_an_empty_post_on_a_version_page_erases_nothing_even_for_the_superuser(login, superuser, mechanic):
    service = f.ServiceFactory(mechanic=mechanic, diagnosis="Plaquettes usées", mileage_in=123456)
    for user in (mechanic, superuser):
        assert login(user).post(version_url(service), {}).status_code == 405
    service.refresh_from_db()
    assert (service.diagnosis, service.mileage_in, service.history.count()) == ("Plaquettes usées", 123456, 1)


@pytest.mark.django_db
def test_a_credit_note_version_page_refuses_a_post_instead_of_a_500(login, accountant):
    note = f.IssuedCreditNoteFactory()
    before = CreditNote.history.count()
    assert login(accountant).post(version_url(note), {}).status_code == 405
    assert login(accountant).get(version_url(note)).status_code == 200
    assert CreditNote.history.count() == before


@pytest.mark.django_db
def test_version_pages_show_every_field_read_only(manager_client):
    profile = f.WorkshopProfileFactory()
    html = manager_client.get(version_url(profile)).content.decode()
    assert "08 006 0123456789012 34" in html
    assert 'name="rib"' not in html and 'name="name"' not in html


@pytest.mark.django_db
def test_a_mechanic_reads_the_history_of_his_jobs_only(login, mechanic):
    own = f.ServiceFactory(mechanic=mechanic, diagnosis="Le mien")
    other = f.ServiceFactory(mechanic=f.UserFactory(username="autre"), diagnosis="Secret de l'autre")
    client = login(mechanic)
    assert client.get(history_url(own)).status_code == 200
    assert client.get(version_url(own)).status_code == 200
    for url in (history_url(other), version_url(other)):
        response = client.get(url)
        assert response.status_code == 404
        assert "Secret de l'autre" not in response.content.decode()


@pytest.mark.django_db
def test_the_history_of_a_deleted_job_is_for_those_who_see_every_job(login, manager, mechanic):
    service = f.ServiceFactory(mechanic=mechanic)
    url = history_url(service)
    Service.objects.filter(pk=service.pk).delete()
    assert login(manager).get(url).status_code == 200
    assert login(mechanic).get(url).status_code == 404


@pytest.mark.django_db
def test_the_history_of_a_deleted_customer_stays_readable_by_the_manager(manager_client):
    customer = f.CustomerFactory(last_name="Parti")
    url = history_url(customer)
    customer.delete()
    assert not Customer.objects.exists()
    assert manager_client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "build"),
    [
        ("part", lambda: f.PartFactory()),
        ("labouroperation", lambda: f.LabourOperationFactory()),
        ("notification", lambda: f.NotificationFactory()),
    ],
)
def test_models_without_history_have_no_history_button_and_answer_404(manager_client, model, build):
    obj = build()
    assert not hasattr(type(obj), "history")
    change = manager_client.get(reverse(f"admin:workshop_{model}_change", args=[obj.pk])).content.decode()
    assert reverse(f"admin:workshop_{model}_history", args=[obj.pk]) not in change
    assert manager_client.get(reverse(f"admin:workshop_{model}_history", args=[obj.pk])).status_code == 404
    assert manager_client.get(reverse(f"admin:workshop_{model}_simple_history", args=[obj.pk, 1])).status_code == 404


@pytest.mark.django_db
def test_models_with_history_keep_their_history_button(manager_client):
    customer = f.CustomerFactory()
    change = manager_client.get(reverse("admin:workshop_customer_change", args=[customer.pk])).content.decode()
    assert history_url(customer) in change


@pytest.mark.django_db
def test_invoice_dialogs_refuse_roles_without_the_operation(login, adviser, mechanic, accountant):
    """Finding 5: the payment and credit dialogs answered any staff user, with prices and the balance."""
    invoice = f.IssuedInvoiceFactory(lines=[{"unit_price": "80.000"}])
    for name in ("record_payment", "credit_partial", "credit_total"):
        url = reverse(f"admin:workshop_invoice_{name}", args=[invoice.pk])
        for user in (adviser, mechanic):
            response = login(user).get(url)
            assert response.status_code == 403, (name, user.username)
            assert b"80,000" not in response.content and b"96,200" not in response.content
        assert login(accountant).get(url).status_code == 200
    assert WorkshopProfile.objects.count() == 0  # nothing else was created on the way


@pytest.mark.django_db
def test_a_mechanic_cannot_open_a_dialog_on_another_mechanics_job(login, mechanic):
    other = f.ServiceFactory(mechanic=f.UserFactory(username="autre"))
    url = reverse("admin:workshop_service_transition_diagnose", args=[other.pk])
    assert login(mechanic).get(url).status_code == 404
    assert login(mechanic).post(url, {"_form_submitted": "1", "expected_status": "received"}).status_code == 404
    other.refresh_from_db()
    assert other.status == Service.Status.RECEIVED


@pytest.mark.django_db
def test_the_payment_dialog_still_records_a_payment_for_the_accountant(login, accountant):
    invoice = f.IssuedInvoiceFactory(lines=[{"unit_price": "80.000"}])
    url = reverse("admin:workshop_invoice_record_payment", args=[invoice.pk])
    data = {"_form_submitted": "1", "expected_status": "issued", "amount": "10", "method": "cash"}
    data["payment_date"] = "2026-11-25"
    assert login(accountant).post(url, data).status_code == 302
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("10.000")
    assert billing.withholding_due(invoice) == Decimal("0.000")


@pytest.mark.django_db
def test_a_mechanic_sees_his_job_and_the_catalogue_without_any_price(login, mechanic, adviser):
    """Finding 5: « total TTC » column, unit prices, line totals, « Montants », catalogue prices."""
    part = f.PartFactory(unit_price=Decimal("123.457"), purchase_price=Decimal("61.234"))
    labour = f.LabourOperationFactory(hourly_rate=Decimal("45.679"))
    item = f.ServiceItemFactory(service__mechanic=mechanic, part=part, unit_price=None, quantity=2)
    pages = {
        "jobs": reverse("admin:workshop_service_changelist"),
        "job": reverse("admin:workshop_service_change", args=[item.service.pk]),
        "job history": history_url(item.service),
        "parts": reverse("admin:workshop_part_changelist"),
        "part": reverse("admin:workshop_part_change", args=[part.pk]),
        "labour": reverse("admin:workshop_labouroperation_changelist"),
        "labour page": reverse("admin:workshop_labouroperation_change", args=[labour.pk]),
    }
    amounts = ("123,457", "61,234", "45,679", "246,914", "293,828", "Montants", "total TTC", "prix")
    for name, url in pages.items():
        html = login(mechanic).get(url).content.decode()
        assert [amount for amount in amounts if amount in html] == [], name
    seen = login(adviser).get(pages["job"]).content.decode() + login(adviser).get(pages["parts"]).content.decode()
    assert all(amount in seen for amount in ("123,457", "293,828", "Montants"))


def test_read_only_amounts_on_an_issued_invoice_read_in_dinars(manager_client):
    """Every amount of the page « 1 131,500 DT » (format_tnd), none as the bare « 1131,500 »."""
    invoice = f.billed_job(
        user=f.UserFactory(username="facturation", role=roles.MANAGER),
        items=[{"quantity": "1", "unit_price": "950.000", "discount_percent": "0", "tva_rate": 19}],
        issue_date=date(2026, 3, 2),
    )
    assert invoice.net_to_pay == Decimal("1131.500")
    html = manager_client.get(reverse("admin:workshop_invoice_change", args=[invoice.pk])).content.decode()
    assert "1\u202f131,500\xa0DT" in html
    assert "950,000\xa0DT" in html  # the line's price, in the read-only inline
    assert not re.search(r"(?<![\d\u202f])\d{4},\d{3}", html)


def test_an_invoice_page_shows_its_frozen_vehicle_left_to_right(manager_client):
    invoice = f.billed_job(
        user=f.UserFactory(username="facturation", role=roles.MANAGER),
        items=[{"quantity": "1", "unit_price": "100.000", "discount_percent": "0", "tva_rate": 19}],
        car__plate="123 TU 4567",
        car__make="Renault",
        car__model="Clio",
        mileage_in=98765,
    )
    html = manager_client.get(reverse("admin:workshop_invoice_change", args=[invoice.pk])).content.decode()
    assert '<span dir="ltr">123 TU 4567</span> · Renault Clio · <span dir="ltr">98765 km</span>' in html


def test_billing_pages_history_and_filters_name_people_not_logins(login, manager):
    """« émise par », « reçu par », « enregistré par », the history list and the mechanic filter: full names."""
    from workshop import settlements

    biller = f.UserFactory(username="sami", first_name="Sami", last_name="Trabelsi", role=roles.MANAGER)
    f.UserFactory(username="hedi", first_name="Hédi", last_name="Mansour", role=roles.MECHANIC)
    invoice = f.billed_job(
        user=biller,
        items=[{"quantity": "1", "unit_price": "100.000", "discount_percent": "0", "tva_rate": 19}],
        issue_date=date(2026, 3, 2),
    )
    payment = billing.record_payment(invoice=invoice, user=biller, amount=invoice.net_to_pay)
    note = billing.create_credit_note(invoice=invoice, user=biller, reason="Erreur")
    refund = settlements.keep_as_customer_credit(invoice=invoice, user=biller, credit_date=date(2026, 3, 3))
    client = login(manager)
    pages = {
        "invoice": reverse("admin:workshop_invoice_change", args=[invoice.pk]),
        "payment": reverse("admin:workshop_payment_change", args=[payment.pk]),
        "credit note": reverse("admin:workshop_creditnote_change", args=[note.pk]),
        "refunds": reverse("admin:workshop_refund_changelist"),
        "refund": reverse("admin:workshop_refund_change", args=[refund.pk]),
        "invoice history": reverse("admin:workshop_invoice_history", args=[invoice.pk]),
        "jobs": reverse("admin:workshop_service_changelist"),
    }
    for name, url in pages.items():
        html = client.get(url).content.decode()
        assert "Sami Trabelsi" in html or name == "jobs", name
        assert not re.search(r">\s*sami\s*<", html), name
    assert "Hédi Mansour" in client.get(pages["jobs"]).content.decode()  # the mechanic filter's choices
