"""Every test's data comes from here: one module per domain, every factory and helper importable from
`tests.factories` as before."""

from .accounts import CustomerAccountFactory, UserFactory, app_customer, bearer, billing_clerk, customer_account
from .billing import (
    CreditNoteFactory,
    CreditNoteLineFactory,
    EInvoiceFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    IssuedCreditNoteFactory,
    IssuedInvoiceFactory,
    PaymentFactory,
    RefundFactory,
)
from .catalogue import LabourOperationFactory, PartFactory, StockedPartFactory, WorkshopProfileFactory
from .customers import BusinessCustomerFactory, CarFactory, CustomerFactory
from .imports import GARAGE_HEADERS, CustomerImportFactory, garage_csv, garage_row, garage_xlsx
from .jobs import (
    ServiceFactory,
    ServiceItemFactory,
    billed_job,
    declined_line,
    estimate_awaiting_answer,
    service_in_state,
)
from .notifications import NotificationFactory, NotificationTemplateFactory, ReminderFactory, SmsNotificationFactory

__all__ = [
    "BusinessCustomerFactory",
    "CarFactory",
    "CreditNoteFactory",
    "CreditNoteLineFactory",
    "CustomerAccountFactory",
    "CustomerFactory",
    "CustomerImportFactory",
    "EInvoiceFactory",
    "GARAGE_HEADERS",
    "InvoiceFactory",
    "InvoiceLineFactory",
    "IssuedCreditNoteFactory",
    "IssuedInvoiceFactory",
    "LabourOperationFactory",
    "NotificationFactory",
    "NotificationTemplateFactory",
    "PartFactory",
    "PaymentFactory",
    "RefundFactory",
    "ReminderFactory",
    "ServiceFactory",
    "ServiceItemFactory",
    "SmsNotificationFactory",
    "StockedPartFactory",
    "UserFactory",
    "WorkshopProfileFactory",
    "app_customer",
    "bearer",
    "billed_job",
    "billing_clerk",
    "customer_account",
    "declined_line",
    "estimate_awaiting_answer",
    "garage_csv",
    "garage_row",
    "garage_xlsx",
    "service_in_state",
]
