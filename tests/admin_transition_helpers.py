"""What tests/test_admin_transitions.py and tests/test_admin_invoice_pages.py share: the pages' URLs, an issued
invoice."""

from django.urls import reverse

from tests import factories as f
from workshop import billing
from workshop.models import Service

S = Service.Status


def change_url(obj):
    return reverse(f"admin:workshop_{obj._meta.model_name}_change", args=[obj.pk])


def timeline_url(job):
    """The job's « Historique », read when its section is opened (workshop/admin/timeline.py)."""
    return reverse("admin:workshop_service_timeline", args=[job.pk])


def action_url(obj, path):
    return f"{change_url(obj).removesuffix('change/')}{path}/"


def _issued_invoice(accountant):
    f.WorkshopProfileFactory()
    invoice = billing.create_invoice_from_service(service=f.service_in_state(S.COMPLETED), user=accountant)
    return billing.issue_invoice(invoice=invoice, user=accountant)
