"""unfold's action check, without the database.

unfold checks every `@action(permissions=["app.codename"])` with a query on `auth_permission`. System checks
run before `migrate`, so on a new install (no table yet) `migrate` itself crashed, and on an upgrade whose
migration brings a new permission `migrate` refused to run. The permissions are declared by the models
(default permissions and `Meta.permissions`): read them there.
"""

from django.apps import apps
from django.core import checks
from unfold.checks import UnfoldModelAdminChecks


def declared_permissions() -> set[str]:
    """Every `app_label.codename` the installed models declare, as `migrate` will create them."""
    declared = set()
    for model in apps.get_models():
        opts = model._meta
        declared.update(f"{opts.app_label}.{action}_{opts.model_name}" for action in opts.default_permissions)
        declared.update(f"{opts.app_label}.{codename}" for codename, _ in opts.permissions)
    return declared


class EcarModelAdminChecks(UnfoldModelAdminChecks):
    def _check_unfold_action_permission_methods(self, obj) -> list[checks.Error]:
        actions = [
            *obj._get_base_actions_list(),
            *obj._get_base_actions_detail(),
            *obj._get_base_actions_row(),
            *obj._get_base_actions_submit_line(),
        ]
        declared = declared_permissions()
        errors = []
        for action in actions:
            for permission in getattr(action.method, "allowed_permissions", ()):
                if "." in permission:
                    missing = permission not in declared
                    message = f"specifies permission {permission} which no model declares"
                else:
                    missing = not hasattr(obj, f"has_{permission}_permission")
                    message = f"needs a has_{permission}_permission() method on {obj.__class__.__name__}"
                if missing:
                    errors.append(
                        checks.Error(
                            f"@action {action.method.original_function_name}() {message}.",
                            obj=obj.__class__,
                            id="admin.E129",
                        )
                    )
        return errors
