"""The admin is the product: one module per aggregate, registered on import."""

from . import (
    cars,
    catalogue,
    cells,
    credit_notes,
    customers,
    einvoice,
    imports,
    invoices,
    jobs,
    notifications,
    payments,
    profile,
    reminders,
    security,
    users,
)

__all__ = [
    "cars",
    "catalogue",
    "cells",
    "credit_notes",
    "customers",
    "einvoice",
    "imports",
    "invoices",
    "jobs",
    "notifications",
    "payments",
    "profile",
    "reminders",
    "security",
    "users",
]
