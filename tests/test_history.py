"""The job timeline reads every moment on the workshop's clock (Africa/Tunis), changed values included."""

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from tests import factories as f
from workshop.history import service_timeline

pytestmark = pytest.mark.django_db


def test_changed_datetimes_are_shown_in_tunis_time_like_the_entry_itself(settings):
    assert settings.TIME_ZONE == "Africa/Tunis"
    service = f.ServiceFactory(received_at=datetime(2026, 11, 25, 8, 0, tzinfo=UTC))
    service.completed_at = datetime(2026, 11, 25, 22, 8, tzinfo=UTC)  # 23:08 in Tunis (UTC+1, no summer time)
    service.save()
    edit = next(entry for entry in service_timeline(service) if entry.kind == "edit")
    assert "terminé le : — → 25/11/2026 23:08" in edit.changes
    assert timezone.localtime(edit.when).tzinfo is not None


def test_a_change_across_midnight_utc_shows_the_tunis_day():
    service = f.ServiceFactory(
        received_at=datetime(2026, 6, 1, 8, 0, tzinfo=UTC),
        promised_at=datetime(2026, 6, 2, 16, 0, tzinfo=UTC),
    )
    service.promised_at = datetime(2026, 6, 2, 23, 30, tzinfo=UTC)  # 3 June 00:30 in Tunis
    service.save()
    edit = next(entry for entry in service_timeline(service) if entry.kind == "edit")
    assert edit.changes == ["promis pour le : 02/06/2026 17:00 → 03/06/2026 00:30"]


def test_dates_are_written_the_french_way():
    from workshop.history import _value
    from workshop.models import Car

    assert _value(Car._meta.get_field("next_service_date"), date(2027, 3, 9), {}) == "09/03/2027"
