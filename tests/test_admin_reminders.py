"""The reminders' ledger in the admin (workshop/admin/reminders.py): read-only, listed in constant queries."""

from datetime import date

import pytest
from django.urls import reverse

from tests import factories as f
from tests.reminder_helpers import LAST_SERVICE, done_job
from workshop.models import Reminder
from workshop.notifications.reminders import send_reminders


@pytest.mark.django_db
def test_the_ledger_is_read_only_and_lists_in_constant_queries(
    manager_client, serviced_car, django_assert_max_num_queries
):
    send_reminders(on=date(2026, 11, 13))
    reminder = Reminder.objects.get()
    with django_assert_max_num_queries(12):
        response = manager_client.get(reverse("admin:workshop_reminder_changelist"))
    assert response.status_code == 200 and "123 TU 4567" in response.content.decode()
    for _ in range(5):
        car = f.CarFactory()
        done_job(car, LAST_SERVICE, 50000)
    send_reminders(on=date(2026, 11, 13))
    with django_assert_max_num_queries(12):
        manager_client.get(reverse("admin:workshop_reminder_changelist"))
    page = manager_client.get(reverse("admin:workshop_reminder_change", args=[reminder.pk]))
    assert page.status_code == 200
    assert manager_client.post(reverse("admin:workshop_reminder_delete", args=[reminder.pk])).status_code == 403
