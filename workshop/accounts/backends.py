"""Authentication backends built once per process, and a user's permissions read in one plain query.

Django imports and instantiates every backend of AUTHENTICATION_BACKENDS on each `user.has_perm()` (a list page
asks about a hundred times: menu, buttons, filters), a fortieth of the page. The backends hold no state, so each
path's instance is kept; a test that overrides the setting gets the backends it names.

Django's ModelBackend then reads the user's own permissions and their roles' permissions with two ORM queries,
built and compiled anew on every request: a twelfth of a list page. They are read here with one SQL statement
over the same tables, once per request as before (nothing is kept between requests: a role taken away counts at
the next page). Superusers, inactive users and backends that change what is read still go through Django.
"""

from functools import cache

from django.contrib import auth
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router

_django_load_backend = auth.load_backend
_django_get_permissions = ModelBackend._get_permissions


@cache
def load_backend(path: str):
    return _django_load_backend(path)


@cache
def _permissions_sql(user_model, database: str) -> str:
    """The user's permissions tagged with where they come from ('user' or 'group'), over Django's own tables."""
    quote = connections[database].ops.quote_name
    own = user_model.user_permissions.through._meta
    membership = user_model.groups.through._meta
    granted = Group.permissions.through._meta

    def column(meta, model):
        return quote(next(f.column for f in meta.fields if f.related_model is model))

    def table(meta):
        return quote(meta.db_table)

    names = (
        f"SELECT %s, ct.{quote('app_label')}, p.{quote('codename')} FROM {table(Permission._meta)} p "
        f"JOIN {table(ContentType._meta)} ct ON ct.{quote('id')} = p.{quote('content_type_id')} "
    )
    return (
        names % "'user'"
        + f"JOIN {table(own)} o ON o.{column(own, Permission)} = p.{quote('id')} "
        + f"WHERE o.{column(own, user_model)} = %s "
        + "UNION ALL "
        + names % "'group'"
        + f"JOIN {table(granted)} g ON g.{column(granted, Permission)} = p.{quote('id')} "
        + f"JOIN {table(membership)} m ON m.{column(membership, Group)} = g.{column(granted, Group)} "
        + f"WHERE m.{column(membership, user_model)} = %s"
    )


def _get_permissions(self, user_obj, obj, from_name):
    plain = (
        type(self)._get_user_permissions is ModelBackend._get_user_permissions
        and type(self)._get_group_permissions is ModelBackend._get_group_permissions
    )
    if not plain or not user_obj.is_active or user_obj.is_anonymous or obj is not None or user_obj.is_superuser:
        return _django_get_permissions(self, user_obj, obj, from_name)
    if not hasattr(user_obj, f"_{from_name}_perm_cache"):
        found = {"user": set(), "group": set()}
        database = router.db_for_read(Permission)
        with connections[database].cursor() as cursor:
            cursor.execute(_permissions_sql(type(user_obj), database), [user_obj.pk, user_obj.pk])
            for source, app_label, codename in cursor.fetchall():
                found[source].add(f"{app_label}.{codename}")
        user_obj._user_perm_cache, user_obj._group_perm_cache = found["user"], found["group"]
    return getattr(user_obj, f"_{from_name}_perm_cache")


def install() -> None:
    auth.load_backend = load_backend
    ModelBackend._get_permissions = _get_permissions
