"""Who may call an API endpoint at all; which rows each caller reaches is the view's `get_queryset`.

Three kinds of caller, told apart by what the admin already knows about them:
- staff (`is_staff`, the people who log into the admin): exactly the admin's model permissions, a read needing
  the view or change permission as the admin's `has_view_permission` does; mechanics are staff whose rows the
  view narrows to their jobs (`Service.visible_to`) and whose serializers carry no money (`roles.can_see_prices`);
- a customer's app account (not staff, linked by `Customer.user`): only the actions the view lists in
  `customer_actions`, on their own rows;
- anyone else who is authenticated: nothing (403); anonymous: 401.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission, DjangoModelPermissions

from workshop.models import Customer
from workshop.roles import can_see_prices

STAFF = "staff"
MECHANIC = "mechanic"
CUSTOMER = "customer"


def customer_of(user) -> Customer | None:
    """The customer an app account belongs to (one query, cached on the user for the request)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if "_ecar_customer" not in user.__dict__:
        user.__dict__["_ecar_customer"] = Customer.objects.filter(user=user).first()
    return user.__dict__["_ecar_customer"]


def audience(user) -> str | None:
    """STAFF (sees prices), MECHANIC (staff who may not see prices), CUSTOMER (an app account), or None.

    An inactive account is nobody, whatever authenticated it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_staff:
        return STAFF if can_see_prices(user) else MECHANIC
    return CUSTOMER if customer_of(user) is not None else None


class AdminModelPermissions(DjangoModelPermissions):
    """The admin's model permissions. Reads (and the view's `read_actions`, such as firing a transition whose
    own permission the workflow checks) need view or change; writes need add, change or delete."""

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if request.method in SAFE_METHODS or getattr(view, "action", None) in getattr(view, "read_actions", ()):
            model = self._queryset(view).model
            opts = model._meta
            return user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or user.has_perm(
                f"{opts.app_label}.change_{opts.model_name}"
            )
        return super().has_permission(request, view)


class GaragePermission(BasePermission):
    """Staff by the admin's permissions, a customer account by the view's `customer_actions`."""

    def has_permission(self, request, view):
        user = request.user
        kind = audience(user)
        if kind in (STAFF, MECHANIC):
            return AdminModelPermissions().has_permission(request, view)
        if kind == CUSTOMER:
            return getattr(view, "action", None) in getattr(view, "customer_actions", ())
        return False
