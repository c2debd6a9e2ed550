"""Each role sees and can change exactly what it should, in the admin."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse

from tests import factories as f
from workshop import models, roles

V, VA, VAC, VACD = {"view"}, {"view", "add"}, {"view", "add", "change"}, {"view", "add", "change", "delete"}
VC = {"view", "change"}
VCD = {"view", "change", "delete"}
ALL_MODELS = [
    models.Customer,
    models.Car,
    models.Service,
    models.Part,
    models.LabourOperation,
    models.Invoice,
    models.Payment,
    models.CreditNote,
    models.Notification,
    models.WorkshopProfile,
]
EXPECTED = {
    # Invoices are made from a job (no add page; only drafts can be deleted), payments and credit notes from
    # the invoice page's buttons, and all three are then read-only ledgers.
    roles.MANAGER: dict.fromkeys(ALL_MODELS, VACD)
    | {models.WorkshopProfile: VAC, models.Invoice: VCD, models.Payment: V, models.CreditNote: V},
    roles.ADVISER: {
        models.Customer: VAC,
        models.Car: VAC,
        models.Service: VAC,
        models.Part: V,
        models.LabourOperation: V,
        models.Invoice: V,
        models.Payment: V,
        models.CreditNote: V,
        models.Notification: VAC,
    },
    roles.MECHANIC: {models.Service: VC, models.Car: V, models.Part: V, models.LabourOperation: V},
    roles.ACCOUNTANT: {
        models.Customer: V,
        models.Car: V,
        models.Service: V,
        models.Part: V,
        models.LabourOperation: V,
        models.Invoice: VCD,
        models.Payment: V,
        models.CreditNote: V,
        models.WorkshopProfile: V,
    },
}


def _allowed(user, model):
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    request.user = user
    checks = {
        "view": model_admin.has_view_permission(request),
        "add": model_admin.has_add_permission(request),
        "change": model_admin.has_change_permission(request),
        "delete": model_admin.has_delete_permission(request),
    }
    return {action for action, allowed in checks.items() if allowed}


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_role_permissions_in_the_admin(db, role, model):
    user = f.UserFactory(username=f"u-{model.__name__}", role=role)
    assert _allowed(user, model) == EXPECTED[role].get(model, set())


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_sees_its_pages_in_the_sidebar_and_is_refused_the_others(db, login, role):
    client = login(f.UserFactory(username="someone", role=role))
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    html = index.content.decode()
    for model in ALL_MODELS:
        url = reverse(f"admin:workshop_{model._meta.model_name}_changelist")
        visible = "view" in EXPECTED[role].get(model, set())
        assert (f'href="{url}"' in html) is visible, (role, model.__name__)
        assert client.get(url).status_code == (200 if visible else 403), (role, model.__name__)


def test_users_and_roles_are_managed_by_the_manager_only(login, manager, adviser):
    assert login(manager).get(reverse("admin:auth_user_changelist")).status_code == 200
    assert login(adviser).get(reverse("admin:auth_user_changelist")).status_code == 403


def test_mechanic_lists_and_opens_only_jobs_assigned_to_them(login, mechanic):
    mine = f.ServiceFactory(mechanic=mechanic)
    theirs = f.ServiceFactory(mechanic=f.UserFactory())
    client = login(mechanic)
    html = client.get(reverse("admin:workshop_service_changelist")).content.decode()
    assert mine.reference in html and theirs.reference not in html
    assert client.get(reverse("admin:workshop_service_change", args=[mine.pk])).status_code == 200
    response = client.get(reverse("admin:workshop_service_change", args=[theirs.pk]))
    assert response.status_code == 302


def _item_formset_post(service, item, **changes):
    data = {
        "car": service.car_id,
        "customer": service.customer_id,
        "kind": service.kind,
        "status": service.status,
        "received_at_0": service.received_at.strftime("%d/%m/%Y"),
        "received_at_1": "08:00:00",
        "mileage_in": "1000",
        "diagnosis": "Plaquettes usées",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "1",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-id": item.pk,
        "items-0-service": service.pk,
        "items-0-position": "0",
        "items-0-kind": "part",
        "items-0-description": item.description,
        "items-0-quantity": "2",
        "items-0-unit_price": "1.000",
        "items-0-discount_percent": "50",
        "items-0-tva_rate": "0",
    }
    data.update(changes)
    return data


def test_mechanic_edits_quantities_and_diagnosis_but_never_prices(login, mechanic):
    item = f.ServiceItemFactory(service__mechanic=mechanic, unit_price=Decimal("100.000"), quantity=1)
    service = item.service
    client = login(mechanic)
    page = client.get(reverse("admin:workshop_service_change", args=[service.pk])).content.decode()
    assert 'name="items-0-unit_price"' not in page
    response = client.post(
        reverse("admin:workshop_service_change", args=[service.pk]), _item_formset_post(service, item)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    service.refresh_from_db()
    assert (item.quantity, item.unit_price, item.discount_percent, item.tva_rate) == (
        Decimal("2.000"),
        Decimal("100.000"),
        Decimal("0.00"),
        19,
    )
    assert service.diagnosis == "Plaquettes usées"
    assert service.total_ttc == Decimal("238.000")


def test_roles_sync_is_idempotent_and_repairs_drift(db):
    group = Group.objects.get(name=roles.MECHANIC)
    group.permissions.add(*roles._resolve(["workshop.view_invoice"]))
    first = roles.sync_roles()
    assert roles.sync_roles() == first
    assert not group.permissions.filter(codename="view_invoice").exists()
    assert Group.objects.filter(name__in=[roles.MANAGER, roles.ADVISER, roles.MECHANIC, roles.ACCOUNTANT]).count() == 4


EXPORTABLE = [models.Customer, models.Car, models.Service, models.Invoice, models.Payment, models.CreditNote]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,may_import,exports,accounting",
    [
        ("manager", True, {"customer", "car", "service", "invoice", "payment", "creditnote"}, True),
        ("adviser", True, {"customer", "car", "service"}, False),
        ("accountant", False, {"customer", "car", "service", "invoice", "payment", "creditnote"}, True),
        ("mechanic", False, set(), False),
    ],
)
def test_import_and_export_permissions_by_role(request, role, may_import, exports, accounting):
    user = request.getfixturevalue(role)
    assert roles.can_import_customers(user) is may_import
    assert {m._meta.model_name for m in EXPORTABLE if roles.can_export(user, m)} == exports
    assert roles.can_export_accounting(user) is accounting
