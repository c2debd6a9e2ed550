"""Demo logins: one per role, and the customer's app account linked to a demo customer with a lot to show."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count, Q

from workshop import roles
from workshop.demo_invoices import CHANGE_REASON
from workshop.models import Customer

from .customers import demo_phone

DEMO_PASSWORD = "ecar-demo-2026"
APP_USERNAME = "client"  # the customer's mobile-app account of the demo
APP_CANDIDATES = 200  # the first demo customers are searched for the richest one to link it to
HISTORY_USERNAME = "gerant"
DEMO_USERS = [
    # username, first name, last name, role (None: superuser)
    ("admin", "Admin", "ECAR", None),
    ("gerant", "Sami", "Ben Salah", roles.MANAGER),
    ("conseiller", "Amira", "Trabelsi", roles.ADVISER),
    ("mecanicien", "Karim", "Jaziri", roles.MECHANIC),
    ("mecanicien2", "Hatem", "Mejri", roles.MECHANIC),
    ("comptable", "Leila", "Gharbi", roles.ACCOUNTANT),
]


def ensure_demo_users(stdout=None) -> list[tuple[str, str]]:
    """One login per role, with the documented password; re-running resets nothing but the groups."""
    User = get_user_model()
    logins = []
    for username, first, last, role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@ecar.tn", "is_staff": True},
        )
        if created:
            user.is_superuser = role is None
            user.set_password(DEMO_PASSWORD)
            user.save()
        if role:
            user.groups.set([Group.objects.get(name=role)])
        logins.append((username, role or "Superutilisateur"))
    return logins


def ensure_demo_app_account() -> Customer | None:
    """The app account `client` (password DEMO_PASSWORD), linked to a demo customer with a lot to show.

    The customer is the individual, among the first demo customers, with the most job states, then issued
    invoices, then cars; ties go to the lowest index: the same data give the same choice. An account already
    linked stays as it is. None when no demo customer has an issued invoice yet.
    """
    User = get_user_model()
    user = User.objects.filter(username=APP_USERNAME).first()
    if user is not None and Customer.objects.filter(user=user).exists():
        return Customer.objects.get(user=user)
    order = {demo_phone(i): i for i in range(APP_CANDIDATES)}
    rows = (
        Customer.objects.filter(phone__in=order, kind=Customer.Kind.INDIVIDUAL, user__isnull=True)
        .annotate(
            states=Count("services__status", distinct=True),
            issued=Count("invoices", filter=Q(invoices__number__isnull=False), distinct=True),
            car_count=Count("cars", distinct=True),
        )
        .filter(issued__gt=0)
        .values_list("pk", "phone", "states", "issued", "car_count")
    )
    ranked = sorted(rows, key=lambda row: (-row[2], -row[3], -row[4], order[row[1]]))
    if not ranked:
        return None
    customer = Customer.objects.get(pk=ranked[0][0])
    with transaction.atomic():
        if user is None:
            user = User(
                username=APP_USERNAME,
                first_name=customer.first_name,
                last_name=customer.last_name,
                email=customer.email,
                is_staff=False,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        customer.user = user
        customer._history_user = demo_history_user()
        customer._change_reason = CHANGE_REASON
        customer.save(update_fields=["user", "updated_at"])
    return customer


def demo_history_user():
    """Who signs the demo rows' history: the demo manager when the demo logins exist, else nobody (system)."""
    return get_user_model().objects.filter(username=HISTORY_USERNAME).first()
