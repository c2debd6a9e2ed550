"""The admin's system checks run before `migrate`: they must not need the permission table."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core import checks
from unfold.decorators import action

from workshop.admin.base import EcarModelAdmin
from workshop.admin.checks import EcarModelAdminChecks, declared_permissions
from workshop.models import Invoice

pytestmark = pytest.mark.django_db


def test_admin_checks_pass_with_no_permission_row_yet():
    """A new install: `migrate` runs the checks before it creates auth_permission's rows."""
    Permission.objects.all().delete()
    errors = [error for error in checks.run_checks(tags=[checks.Tags.admin]) if error.level >= checks.ERROR]
    assert errors == []


def test_declared_permissions_are_read_from_the_models():
    declared = declared_permissions()
    assert {"workshop.add_payment", "workshop.issue_invoice", "workshop.reverse_payment"} <= declared
    assert "workshop.fly_invoice" not in declared


def test_an_action_naming_an_undeclared_permission_or_a_missing_method_is_an_error():
    class Broken(EcarModelAdmin):
        actions_detail = ["fly", "dance"]

        @action(description="Voler", url_path="fly", permissions=["workshop.fly_invoice"])
        def fly(self, request, object_id):
            pass

        @action(description="Danser", url_path="dance", permissions=["dance"])
        def dance(self, request, object_id):
            pass

    errors = EcarModelAdminChecks()._check_unfold_action_permission_methods(Broken(Invoice, admin.site))
    assert [error.id for error in errors] == ["admin.E129", "admin.E129"]
    assert "workshop.fly_invoice" in errors[0].msg and "has_dance_permission" in errors[1].msg
