"""The admin is the product: one module per aggregate, registered on import."""

from . import (
    billing,
    cars,
    catalogue,
    cells,
    customers,
    einvoice,
    imports,
    jobs,
    notifications,
    profile,
    reminders,
    security,
    users,
)

__all__ = [
    "billing",
    "cars",
    "catalogue",
    "cells",
    "customers",
    "einvoice",
    "imports",
    "jobs",
    "notifications",
    "profile",
    "reminders",
    "security",
    "users",
]
