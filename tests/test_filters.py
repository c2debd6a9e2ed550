"""Report filters: the activity period counts whole local days and compares `received_at` directly."""

from datetime import datetime

from django.utils import timezone

from reports.filters import ActivityFilterSet, day_start
from tests import factories as f
from workshop.models import Service


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def test_day_start_is_local_midnight(settings):
    start = day_start(datetime(2026, 3, 14).date())
    assert start == local(2026, 3, 14, 0, 0)
    assert timezone.localtime(start).hour == 0


def test_activity_period_keeps_whole_local_days_and_nothing_outside(db):
    inside = [
        f.ServiceFactory(received_at=local(2026, 3, 1, 0, 5)).pk,
        f.ServiceFactory(received_at=local(2026, 3, 31, 23, 55)).pk,
    ]
    f.ServiceFactory(received_at=local(2026, 2, 28, 23, 55))
    f.ServiceFactory(received_at=local(2026, 4, 1, 0, 5))
    filterset = ActivityFilterSet(
        {"date_from": "2026-03-01", "date_to": "2026-03-31", "group": "status"}, queryset=Service.objects.all()
    )
    assert filterset.is_valid()
    assert sorted(filterset.qs.values_list("pk", flat=True)) == sorted(inside)


def test_activity_period_compares_received_at_itself_so_its_index_serves(db):
    filterset = ActivityFilterSet({"date_from": "2026-03-01", "date_to": "2026-03-31"}, queryset=Service.objects.all())
    assert filterset.is_valid()
    sql = str(filterset.qs.query)
    assert '"workshop_service"."received_at" >=' in sql
    assert '"workshop_service"."received_at" <' in sql
