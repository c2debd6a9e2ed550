"""Who may import and export, role by role (the rules live in workshop/roles.py)."""

import pytest

from workshop import models, roles

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
