"""The four roles of a garage, as groups with exact permissions. Re-running the sync repairs any drift."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

MANAGER = "Gérant"
ADVISER = "Conseiller service"
MECHANIC = "Mécanicien"
ACCOUNTANT = "Comptable"

CRUD = ("view", "add", "change", "delete")
EDIT = ("view", "add", "change")
READ = ("view",)


def _perms(model: str, actions) -> list[str]:
    return [f"workshop.{action}_{model}" for action in actions]


ROLE_PERMISSIONS: dict[str, list[str]] = {
    ADVISER: [
        *_perms("customer", EDIT),
        *_perms("car", EDIT),
        *_perms("service", EDIT),
        "workshop.view_all_services",
        "workshop.diagnose_service",
        "workshop.approve_service",
        "workshop.work_on_service",
        "workshop.deliver_service",
        "workshop.cancel_service",
        *_perms("serviceitem", CRUD),
        "workshop.change_item_price",
        *_perms("part", READ),
        *_perms("labouroperation", READ),
        *_perms("invoice", READ),
        *_perms("invoiceline", READ),
        *_perms("creditnote", READ),
        *_perms("payment", READ),
        *_perms("refund", READ),
        *_perms("notification", EDIT),
        *_perms("reminder", READ),
        "workshop.import_customers",
        "workshop.export_lists",
        *_perms("customerimport", READ),
        "reports.view_activity_reports",
    ],
    MECHANIC: [
        *_perms("service", ("view", "change")),
        "workshop.diagnose_service",  # only on the jobs assigned to them (see Service.diagnose)
        "workshop.work_on_service",
        *_perms("serviceitem", EDIT),
        *_perms("car", READ),
        *_perms("part", READ),
        *_perms("labouroperation", READ),
    ],
    ACCOUNTANT: [
        *_perms("customer", READ),
        *_perms("car", READ),
        *_perms("service", READ),
        "workshop.view_all_services",
        "workshop.invoice_service",
        "workshop.reopen_service",
        *_perms("serviceitem", READ),
        *_perms("part", READ),
        *_perms("labouroperation", READ),
        *_perms("invoice", CRUD),  # delete: drafts only, the model refuses the rest
        "workshop.issue_invoice",
        *_perms("invoiceline", CRUD),
        *_perms("payment", EDIT),
        "workshop.reverse_payment",
        *_perms("refund", ("view", "add")),
        *_perms("creditnote", EDIT),
        *_perms("creditnoteline", CRUD),
        *_perms("einvoice", READ),  # moved by workshop.einvoice only
        *_perms("workshopprofile", READ),
        "workshop.export_lists",
        "workshop.export_billing",
        "reports.view_financial_reports",
    ],
}
MANAGER_APPS = ("workshop", "reports")
MANAGER_EXTRA = [
    "auth.view_user",
    "auth.add_user",
    "auth.change_user",
    "auth.view_group",
    # Locked logins (django-axes): see them and unlock them.
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
]


# Who may move data in and out in bulk. Managers hold every workshop permission; advisers import and export
# the lists they work on (customers, cars, repair orders); accountants export everything, billing included.
BILLING_MODELS = frozenset({"invoice", "payment", "creditnote", "refund"})


def can_import_customers(user) -> bool:
    return user.has_perms(
        ["workshop.import_customers", "workshop.add_customer", "workshop.change_customer", "workshop.add_car"]
    )


def can_export(user, model) -> bool:
    """A changelist export: the user must see the list and hold the export permission of its kind."""
    name = model._meta.model_name
    permission = "workshop.export_billing" if name in BILLING_MODELS else "workshop.export_lists"
    return user.has_perm(permission) and user.has_perm(f"workshop.view_{name}")


def can_see_prices(user) -> bool:
    """Prices, totals, costs and payments: for those who may read invoices. Mechanics see none."""
    return user.has_perm("workshop.view_invoice")


def can_export_accounting(user) -> bool:
    return user.has_perms(["workshop.export_billing", "workshop.view_invoice", "workshop.view_payment"])


def _resolve(codenames: list[str]) -> list[Permission]:
    query = Q()
    for name in codenames:
        app_label, codename = name.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(query).select_related("content_type"))
    missing = set(codenames) - {f"{p.content_type.app_label}.{p.codename}" for p in found}
    if missing:
        raise LookupError(f"Unknown permissions for roles: {sorted(missing)}")
    return found


def sync_roles() -> dict[str, int]:
    """Create the groups and give each exactly its permissions; returns the count per role."""
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    counts = {}
    manager_perms = list(Permission.objects.filter(content_type__app_label__in=MANAGER_APPS)) + _resolve(MANAGER_EXTRA)
    for role, permissions in [(MANAGER, manager_perms), *((r, _resolve(c)) for r, c in ROLE_PERMISSIONS.items())]:
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set(permissions)
        counts[role] = len(permissions)
    return counts


def sync_roles_after_migrate(sender, using="default", **kwargs):
    sync_roles()
