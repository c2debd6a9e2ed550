"""Who a user is for the API: a role key the app can switch on, and the customer an app account belongs to."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Prefetch

from workshop import roles

MANAGER, ADVISER, MECHANIC, ACCOUNTANT, CUSTOMER = "manager", "adviser", "mechanic", "accountant", "customer"
# The widest role wins when a user holds several groups.
ROLE_KEYS = [
    (roles.MANAGER, MANAGER),
    (roles.ADVISER, ADVISER),
    (roles.ACCOUNTANT, ACCOUNTANT),
    (roles.MECHANIC, MECHANIC),
]
ROLE_CHOICES = [MANAGER, ADVISER, MECHANIC, ACCOUNTANT, CUSTOMER]


def with_identity(queryset=None):
    """Users with what `role_of` and `customer_id_of` read, in two queries whatever their number."""
    queryset = get_user_model().objects.all() if queryset is None else queryset
    return queryset.select_related("customer").prefetch_related(
        Prefetch("groups", queryset=Group.objects.only("id", "name"))
    )


def customer_id_of(user) -> int | None:
    """The customer whose app account this is (Customer.user), else None."""
    try:
        return user.customer.pk
    except get_user_model().customer.RelatedObjectDoesNotExist:
        return None


def role_of(user) -> str | None:
    """`manager`, `adviser`, `accountant`, `mechanic` (by group; a superuser counts as manager), `customer`
    (an app account linked to a customer), or None for an account with neither."""
    if user.is_superuser:
        return MANAGER
    held = {group.name for group in user.groups.all()}
    for group, key in ROLE_KEYS:
        if group in held:
            return key
    if customer_id_of(user) is not None:
        return CUSTOMER
    return None
