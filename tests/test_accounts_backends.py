"""Backends are built once per path, and permission checks still follow AUTHENTICATION_BACKENDS."""

from unittest import mock

import pytest
from django.contrib import auth

from workshop.accounts import backends

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def test_permission_checks_reuse_the_backends(manager):
    with mock.patch.object(backends, "_django_load_backend", wraps=backends._django_load_backend) as loading:
        backends.load_backend.cache_clear()
        for _ in range(50):
            assert manager.has_perm("workshop.view_service")
            assert not manager.has_perm("auth.delete_user")
    assert loading.call_count == 2  # axes and the model backend, once each
    assert auth.load_backend(MODEL_BACKEND) is auth.load_backend(MODEL_BACKEND)


class Refusing:
    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user, perm, obj=None):
        return False


class Granting(Refusing):
    def has_perm(self, user, perm, obj=None):
        return True


@pytest.mark.django_db
def test_a_changed_setting_changes_the_backends_asked(settings, mechanic):
    assert not mechanic.has_perm("workshop.view_invoice")
    settings.AUTHENTICATION_BACKENDS = [f"{__name__}.Granting"]
    assert mechanic.has_perm("workshop.view_invoice")
    settings.AUTHENTICATION_BACKENDS = [f"{__name__}.Refusing", MODEL_BACKEND]
    assert not mechanic.has_perm("workshop.view_invoice")


def _djangos(user):
    """The permissions Django's own ModelBackend reads (two ORM queries), on a fresh copy of the user."""
    from django.contrib.auth.backends import ModelBackend

    fresh = type(user).objects.get(pk=user.pk)
    backend = ModelBackend()
    return (
        backends._django_get_permissions(backend, fresh, None, "user"),
        backends._django_get_permissions(backend, fresh, None, "group"),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["manager", "mechanic", "accountant", "adviser"])
def test_permissions_in_one_query_are_djangos(request, role, django_assert_num_queries):
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Permission

    user = request.getfixturevalue(role)
    user.user_permissions.add(Permission.objects.get(codename="view_logentry"))  # one of their own, beside the role's
    fresh = type(user).objects.get(pk=user.pk)
    backend = ModelBackend()
    with django_assert_num_queries(1):
        everything = backend.get_all_permissions(fresh)
        own, granted = backend.get_user_permissions(fresh), backend.get_group_permissions(fresh)
    assert (own, granted) == _djangos(user)
    assert own == {"admin.view_logentry"} and granted and everything == own | granted


@pytest.mark.django_db
def test_a_role_taken_away_counts_at_the_next_request(manager):
    assert type(manager).objects.get(pk=manager.pk).has_perm("workshop.view_invoice")
    manager.groups.set([])
    assert not type(manager).objects.get(pk=manager.pk).has_perm("workshop.view_invoice")


@pytest.mark.django_db
def test_superusers_and_inactive_users_still_go_through_django(superuser, mechanic):
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Permission

    backend = ModelBackend()
    assert len(backend.get_all_permissions(superuser)) == Permission.objects.count()
    mechanic.is_active = False
    assert backend.get_all_permissions(mechanic) == set() and not mechanic.has_perm("workshop.view_service")
