"""`list_only`: a list's rows read the columns its cells show, and nothing else changes."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from workshop.models import Service

pytestmark = pytest.mark.django_db


def test_the_job_list_reads_only_what_its_cells_show(manager_client):
    job = factories.service_in_state("in_progress", items=1)
    url = reverse("admin:workshop_service_changelist")
    with CaptureQueriesContext(connection) as queries:
        page = manager_client.get(url).content.decode()
    rows = [q["sql"] for q in queries.captured_queries if '"workshop_car"."plate"' in q["sql"]]
    assert len(rows) == 1, rows
    assert '"workshop_service"."complaint"' not in rows[0] and '"workshop_customer"."phone"' not in rows[0]
    assert job.reference in page and job.car.plate in page and job.customer.display_name in page


def test_only_the_rows_are_narrowed(rf, manager):
    factories.service_in_state("received", items=0)
    request = rf.get(reverse("admin:workshop_service_changelist"))
    request.user = manager
    changelist = admin.site._registry[Service].get_changelist_instance(request)
    assert changelist.result_list[0].get_deferred_fields() >= {"complaint", "diagnosis"}
    assert not changelist.queryset.query.deferred_loading[0]  # actions, count and date hierarchy: every column
    assert not changelist.get_queryset(request).query.deferred_loading[0]
