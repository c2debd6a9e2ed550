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
