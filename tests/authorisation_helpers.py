"""The admin's URLs as the resolver lists them, and the garage the authorisation tests open them on: one of
each object, built once per test module (`world`, through tests/conftest.py), with a session per role."""

from datetime import timedelta
from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.test import Client, TestCase
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from tests import factories as f
from workshop import billing, roles, settlements
from workshop.models import CustomerImport, EInvoice, Service, ServiceItem

VARIANTS = {
    "workshop_service": ("own", "other"),
    "workshop_invoice": ("issued", "draft"),
    "auth_user": ("staff", "superuser"),
}
NAME_VARIANTS = {
    "admin:app_list": ("workshop", "auth", "token_blacklist", "axes"),
    "admin:autocomplete": ("car", "part", "invoice", "user"),
}
AUTOCOMPLETE = {
    "car": ("workshop", "service", "car"),
    "part": ("workshop", "serviceitem", "part"),
    "invoice": ("workshop", "payment", "invoice"),
    "user": ("workshop", "customer", "user"),
}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), (namespace + pattern.name) if pattern.name else None


def admin_routes() -> list[tuple[str, str | None]]:
    """(route, name) of every URL under /admin/, from the resolver."""
    return [(route, name) for route, name in _walk(get_resolver().url_patterns) if route.startswith("admin/")]


def _model_key(name: str) -> str | None:
    """`workshop_service` for `admin:workshop_service_change` (longest registered model prefix)."""
    keys = [f"{m._meta.app_label}_{m._meta.model_name}" for m in admin.site._registry]
    matches = [key for key in keys if name.startswith(f"admin:{key}_")]
    return max(matches, key=len) if matches else None


def _is_object_url(route: str) -> bool:
    return any(marker in route for marker in ("<path:object_id>", "<id>", "<int:pk>", "history/([^/]+)"))


def variants(route: str, name: str) -> tuple[str, ...]:
    if name in NAME_VARIANTS:
        return NAME_VARIANTS[name]
    key = _model_key(name)
    if key in VARIANTS and _is_object_url(route):
        return VARIANTS[key]
    return ("",)


# --- the garage --------------------------------------------------------------------------------------------------

PART_PRICE = Decimal("123.457")
PART_COST = Decimal("61.234")
LABOUR_RATE = Decimal("45.679")
PAYMENT = Decimal("92.815")
# The mechanic's cancelled job: paid in two, the second payment reversed, then refunded in part, the rest kept.
PAID_BEFORE_CANCEL = Decimal("150.125")
WRONG_PAYMENT = Decimal("33.375")
REFUNDED = Decimal("71.625")


class World:
    """One of each object a garage has, built through the factories and the billing functions."""

    def __init__(self, media_root):
        User = get_user_model()
        self.media_root = media_root
        self.users = {
            "root": f.UserFactory(username="root", is_superuser=True),
            "gerant": f.UserFactory(username="gerant", role=roles.MANAGER),
            "conseiller": f.UserFactory(username="conseiller", role=roles.ADVISER),
            "mecanicien": f.UserFactory(username="mecanicien", role=roles.MECHANIC),
            "comptable": f.UserFactory(username="comptable", role=roles.ACCOUNTANT),
        }
        other_mechanic = f.UserFactory(username="mecanicien2", role=roles.MECHANIC)
        accountant = self.users["comptable"]
        self.profile = f.WorkshopProfileFactory()
        customer = f.CustomerFactory(user=f.UserFactory(username="client", is_staff=False))
        car = f.CarFactory(owner=customer)
        part = f.PartFactory(unit_price=PART_PRICE, purchase_price=PART_COST)
        labour = f.LabourOperationFactory(hourly_rate=LABOUR_RATE)

        def job(mechanic, label):
            service = f.ServiceFactory(car=car, mechanic=mechanic, diagnosis=f"Diagnostic {label}")
            f.ServiceItemFactory(
                service=service, kind=ServiceItem.Kind.PART, part=part, unit_price=None, quantity=Decimal("2")
            )
            f.ServiceItemFactory(
                service=service, kind=ServiceItem.Kind.LABOUR, labour=labour, unit_price=None, quantity=Decimal("1.5")
            )
            Service.objects.filter(pk=service.pk).update(status=Service.Status.COMPLETED)
            service.refresh_from_db()
            return service

        own = job(self.users["mecanicien"], "du mécanicien")
        other = job(other_mechanic, "d'un autre mécanicien")
        issued = billing.issue_invoice(
            invoice=billing.create_invoice_from_service(service=own, user=accountant), user=accountant
        )
        billing.record_payment(invoice=issued, user=accountant, amount=PAYMENT, payment_date=timezone.localdate())
        labour_line = issued.lines.get(kind=ServiceItem.Kind.LABOUR)
        note = billing.create_credit_note(
            invoice=issued, user=accountant, reason="Geste commercial", quantities={labour_line.pk: Decimal("0.5")}
        )
        draft = billing.create_invoice_from_service(service=other, user=accountant)
        issued.refresh_from_db()
        self.refunded_job = job(self.users["mecanicien"], "annulé et remboursé")
        cancelled = billing.issue_invoice(
            invoice=billing.create_invoice_from_service(service=self.refunded_job, user=accountant), user=accountant
        )
        today = timezone.localdate()
        billing.record_payment(invoice=cancelled, user=accountant, amount=PAID_BEFORE_CANCEL, payment_date=today)
        wrong = billing.record_payment(invoice=cancelled, user=accountant, amount=WRONG_PAYMENT, payment_date=today)
        settlements.reverse_payment(payment=wrong, user=accountant, reason="Saisi deux fois")
        billing.create_credit_note(invoice=cancelled, user=accountant, reason="Travaux annulés")
        settlements.refund_customer(invoice=cancelled, user=accountant, amount=REFUNDED, method="cash")
        kept = settlements.keep_as_customer_credit(invoice=cancelled, user=accountant)
        lockout = AccessAttempt.objects.create(
            username="ancien.employe",  # not a role's account: their logins here would reset it
            ip_address="192.0.2.7",
            user_agent="navigateur",
            http_accept="text/html",
            path_info="/admin/login/",
            get_data="",
            post_data="username=gerant",
            failures_since_start=5,
        )
        notification = f.NotificationFactory(customer=customer, service=own)
        reminder = f.ReminderFactory(car=car)
        token = OutstandingToken.objects.create(
            user=self.users["root"], jti="matrix", token="t", expires_at=timezone.now() + timedelta(days=1)
        )
        # The dry run is a background task queued on commit: run it as the commit would.
        with override_settings(MEDIA_ROOT=media_root), TestCase.captureOnCommitCallbacks(execute=True):
            upload = Client()
            upload.force_login(self.users["conseiller"])
            rows = [f.garage_row(1), f.garage_row(2, **{"Téléphone": "pas un numéro"})]
            upload.post(
                reverse("admin:workshop_customerimport_upload"),
                {"file": SimpleUploadedFile("clients.csv", f.garage_csv(rows))},
            )
        record = CustomerImport.objects.get()
        assert record.rejects_file, "the import keeps a rejects file"
        self.objects = {
            "workshop_customer": {"": customer},
            "workshop_car": {"": car},
            "workshop_part": {"": part},
            "workshop_labouroperation": {"": labour},
            "workshop_service": {"own": own, "other": other},
            "workshop_invoice": {"issued": issued, "draft": draft},
            "workshop_payment": {"": issued.payments.get()},
            "workshop_creditnote": {"": note},
            "workshop_einvoice": {"": EInvoice.objects.create(invoice=issued, xml="<TEIF/>")},
            "workshop_refund": {"": kept},
            "workshop_notification": {"": notification},
            "workshop_reminder": {"": reminder},
            "workshop_notificationtemplate": {"": f.NotificationTemplateFactory()},
            "workshop_customerimport": {"": record},
            "workshop_workshopprofile": {"": self.profile},
            "auth_user": {"staff": other_mechanic, "superuser": self.users["root"]},
            "auth_group": {"": Group.objects.get(name=roles.MECHANIC)},
            "token_blacklist_outstandingtoken": {"": token},
            "token_blacklist_blacklistedtoken": {"": BlacklistedToken.objects.create(token=token)},
            "axes_accessattempt": {"": lockout},
        }
        self.car = car
        self.sessions = {}
        for role, user in self.users.items():
            client = Client()
            client.force_login(user)
            self.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        assert User.objects.filter(is_superuser=True).count() == 1

    def url(self, route: str, name: str, variant: str) -> str:
        if name == "admin:app_list":
            return reverse(name, kwargs={"app_label": variant})
        if name == "admin:autocomplete":
            app_label, model_name, field_name = AUTOCOMPLETE[variant]
            query = f"app_label={app_label}&model_name={model_name}&field_name={field_name}&term="
            return f"{reverse(name)}?{query}"
        if name == "admin:view_on_site":
            content_type = ContentType.objects.get_for_model(self.car)
            return reverse(name, kwargs={"content_type_id": content_type.pk, "object_id": self.car.pk})
        if name == "admin:search":
            return f"{reverse(name)}?s=ordre"
        key = _model_key(name)
        if key is None or not _is_object_url(route):
            return reverse(name)
        obj = self.objects[key][variant]
        if name.endswith("_simple_history"):
            history = getattr(type(obj), "history", None)
            rows = history.filter(**{type(obj)._meta.pk.attname: obj.pk}) if history else None
            version = rows.order_by("-history_id").first().history_id if history else 1
            return reverse(name, args=[obj.pk, version])
        for param in ("object_id", "pk", "id"):
            if f"<{param}>" in route or f":{param}>" in route:
                return reverse(name, kwargs={param: obj.pk})
        raise AssertionError(f"{name}: unknown URL parameters in {route}")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction rolled back at its end; each test rolls back its own."""
    fast_hasher = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), transaction.atomic():
        with fast_hasher:
            built = World(tmp_path_factory.mktemp("media"))
        built.initial_state = database_state()  # where every test starts: its changes are rolled back
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def html_documents(monkeypatch, settings, world):
    """PDFs are laid out by WeasyPrint elsewhere (test_documents); here their HTML is enough and fast."""
    settings.MEDIA_ROOT = world.media_root

    def render_html(template_name, context, *, identity):
        return render_to_string(template_name, context).encode()

    monkeypatch.setattr("reports.documents.render_pdf", render_html)
    monkeypatch.setattr(
        "reports.documents.render_many",
        lambda documents, *, identity: b"".join(render_html(t, c, identity=identity) for t, c in documents),
    )


def database_state():
    """What a refused POST must not move: every row of every table the admin can write (sessions aside)."""
    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in ("workshop", "auth", "token_blacklist", "axes")
        and model._meta.managed
        and model._meta.label != "auth.Permission"
    ]
    if connection.vendor == "postgresql":  # one round trip: a digest of each table's rows
        tables = sorted(model._meta.db_table for model in models)
        digest = "SELECT '{0}', COUNT(*), md5(COALESCE(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {0} t"
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(digest.format(table) for table in tables))
            return [tuple(row) for row in cursor.fetchall()]
    return [(model._meta.label, list(model._base_manager.order_by("pk").values_list())) for model in models]


def logged_in(world, role) -> Client:
    """A client carrying the role's session, opened once for the module (logging in costs two writes)."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client
