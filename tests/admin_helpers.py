"""Every admin page of the project, with one row of everything to show on them."""

import re
from decimal import Decimal

from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from tests import factories

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
CLOCK = re.compile(r'value="\d\d:\d\d:\d\d"')  # an add form's time of now, a second apart between two renders


def comparable(html: bytes) -> str:
    """A page without what changes between two renders of it: the CSRF token and the clock."""
    return CLOCK.sub('value="(now)"', TOKEN.sub("", html.decode()))


def one_of_everything():
    """One row of everything the admin shows, so that each change form has a real object with inlines."""
    user = factories.billing_clerk()
    factories.WorkshopProfileFactory()
    job = factories.service_in_state("in_progress", items=3)
    factories.estimate_awaiting_answer(items=2)
    factories.billed_job(
        user=user,
        items=[{"unit_price": Decimal("100.000"), "quantity": Decimal("2"), "tva_rate": Decimal("19")}],
    )
    factories.IssuedCreditNoteFactory()
    factories.PaymentFactory()
    factories.StockedPartFactory()
    factories.LabourOperationFactory()
    factories.ReminderFactory()
    factories.SmsNotificationFactory()
    factories.NotificationTemplateFactory()
    factories.CustomerImportFactory()
    factories.EInvoiceFactory()
    factories.BusinessCustomerFactory()
    return job


def admin_pages():
    """The list, the add form and the change form of the first row, of every model in the admin."""
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield reverse(f"{prefix}_changelist")
        if has_url(f"{prefix}_add"):
            yield reverse(f"{prefix}_add")
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            yield reverse(f"{prefix}_change", args=[first.pk])


def has_url(name):
    try:
        reverse(name)
    except NoReverseMatch:  # a model without add page
        return False
    return True
