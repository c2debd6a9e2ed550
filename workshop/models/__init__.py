"""Domain models, one module per aggregate."""

from .accounts import PhoneVerification
from .approvals import ApprovalLink, LineDecision
from .cars import Car
from .catalogue import LabourOperation, Part
from .common import DocumentSequence, LockedError, TvaRate
from .credit_notes import CreditNote, CreditNoteLine
from .customers import Customer
from .einvoice import EInvoice
from .imports import CustomerImport
from .invoices import Invoice, InvoiceLine
from .job_lines import ServiceItem
from .jobs import Service
from .notifications import Notification, NotificationTemplate
from .owing import OwingCustomer, OwingDay
from .payments import Payment
from .profile import WorkshopProfile
from .refunds import Refund
from .reminders import Reminder
from .sales_days import PartSalesDay, TvaDay, TvaDayRate
from .stock import StockMovement

__all__ = [
    "ApprovalLink",
    "Car",
    "CreditNote",
    "CreditNoteLine",
    "Customer",
    "CustomerImport",
    "DocumentSequence",
    "EInvoice",
    "Invoice",
    "InvoiceLine",
    "LabourOperation",
    "LineDecision",
    "LockedError",
    "Notification",
    "NotificationTemplate",
    "OwingCustomer",
    "OwingDay",
    "Part",
    "PartSalesDay",
    "Payment",
    "PhoneVerification",
    "Refund",
    "Reminder",
    "Service",
    "ServiceItem",
    "StockMovement",
    "TvaDay",
    "TvaDayRate",
    "TvaRate",
    "WorkshopProfile",
]
