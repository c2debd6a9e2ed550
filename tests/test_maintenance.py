"""The daily purge (portal/maintenance.py): expired JWT tokens, import files past their retention."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from portal import maintenance
from tests.factories import CustomerImportFactory, UserFactory
from workshop.imports.importer import IMPORT_LOCK_KEY, serialise_imports
from workshop.models import CustomerImport

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def an_import(*, days_old: int, status=CustomerImport.Status.IMPORTED) -> CustomerImport:
    record = CustomerImportFactory(status=status)
    record.file.save("clients.csv", ContentFile(b"nom;telephone\n"), save=False)
    record.rejects_file.save("clients-rejets.csv", ContentFile(b"ligne;erreur\n"), save=False)
    record.save()
    CustomerImport.objects.filter(pk=record.pk).update(created_at=timezone.now() - timedelta(days=days_old))
    return record


def test_old_import_files_are_deleted_and_the_record_kept(media, settings):
    settings.ECAR_IMPORT_FILES_RETENTION_DAYS = 90
    old, recent = an_import(days_old=91), an_import(days_old=89)
    running = an_import(days_old=200, status=CustomerImport.Status.IMPORTING)
    old_paths = [media / old.file.name, media / old.rejects_file.name]

    assert maintenance.purge_import_files(older_than_days=90) == 2

    assert not any(path.exists() for path in old_paths)
    old.refresh_from_db()
    assert (old.file.name, old.rejects_file.name) == ("", "")
    assert old.file_name and old.status == CustomerImport.Status.IMPORTED  # the audit trail stays
    for kept in (recent, running):
        kept.refresh_from_db()
        assert (media / kept.file.name).exists() and (media / kept.rejects_file.name).exists()
    assert maintenance.purge_import_files(older_than_days=90) == 0  # nothing left to do the next day


def test_purge_flushes_expired_tokens(media):
    user = UserFactory()
    now = timezone.now()
    expired = OutstandingToken.objects.create(user=user, jti="old", token="t1", expires_at=now - timedelta(hours=1))
    BlacklistedToken.objects.create(token=expired)
    live = OutstandingToken.objects.create(user=user, jti="new", token="t2", expires_at=now + timedelta(hours=1))
    an_import(days_old=365)

    assert maintenance.purge() == {"expired_tokens": 1, "registrations": 0, "import_files": 2}
    assert list(OutstandingToken.objects.all()) == [live]
    assert not BlacklistedToken.objects.exists()


def test_the_celery_task_runs_the_purge(media, monkeypatch):
    calls = []
    monkeypatch.setattr(maintenance, "purge", lambda: calls.append(True))
    maintenance.purge_task.delay()  # eager without a broker
    assert calls == [True]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's")
def test_the_import_lock_ends_with_its_transaction():
    """Under PgBouncer's transaction pooling a session-level lock would stay on a server connection that the
    next client gets: the import lock must be held by the transaction and released at its end."""
    held = (
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
        "AND ((classid::bigint << 32) | objid::bigint) = %s"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        serialise_imports()
        cursor.execute(held, [IMPORT_LOCK_KEY])
        assert cursor.fetchone()[0] == 1
    with connection.cursor() as cursor:
        cursor.execute(held, [IMPORT_LOCK_KEY])
        assert cursor.fetchone()[0] == 0
