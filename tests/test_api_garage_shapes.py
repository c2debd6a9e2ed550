"""One documented shape per resource that every caller's answer fits, and serializers for mechanics that
cannot carry money because they do not declare it."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.api_helpers import MONEY_KEY
from workshop.api.garage import job_serializers, serializers

GARAGE_PATHS = ("/api/customers/", "/api/cars/", "/api/services/", "/api/service-items/", "/api/notifications/")
DOCUMENTED = [
    serializers.CustomerSerializer,
    serializers.CarSerializer,
    serializers.NotificationSerializer,
    job_serializers.ServiceSerializer,
    job_serializers.ServiceDetailSerializer,
    job_serializers.ServiceItemSerializer,
]
MECHANICS = [
    job_serializers.MechanicServiceSerializer,
    job_serializers.MechanicServiceDetailSerializer,
    job_serializers.MechanicItemSerializer,
    job_serializers.CarSummarySerializer,
    job_serializers.TimelineEntrySerializer,
    job_serializers.StatusChangeSerializer,
    job_serializers.AvailableTransitionSerializer,
    serializers.CarReadSerializer,
]


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize("serializer_class", DOCUMENTED)
def test_every_callers_fields_are_in_the_documented_shape(serializer_class):
    documented = set(serializer_class().fields)
    assert serializer_class.role_variants
    for variant in serializer_class.role_variants:
        assert set(variant().fields) <= documented, variant


@pytest.mark.parametrize("serializer_class", MECHANICS)
def test_mechanic_serializers_declare_no_money(serializer_class):
    def names(serializer):
        for name, field in serializer.fields.items():
            yield name
            child = getattr(field, "child", field)
            if hasattr(child, "fields"):
                yield from names(child)

    assert [name for name in names(serializer_class()) if MONEY_KEY.search(name)] == []


def test_every_garage_operation_documents_its_answers(schema):
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        if path.startswith(GARAGE_PATHS)
        for method, operation in item.items()
    ]
    assert len(operations) >= 15
    for path, method, operation in operations:
        codes = set(operation["responses"])
        assert "401" in codes, (path, method)
        assert codes & {"200", "201", "204"}, (path, method)
        if method in ("post", "patch"):
            assert "400" in codes and "requestBody" in operation, (path, method)
        if "{id}" in path:
            assert "404" in codes, (path, method)
        assert operation.get("summary"), (path, method)


def test_fields_a_caller_may_lack_are_not_required_in_answers(schema):
    service = schema["components"]["schemas"]["Service"]
    assert "total_ttc" not in service.get("required", [])  # a mechanic's answer has none
    assert "mechanic" not in service.get("required", [])  # a customer's neither
    assert {"id", "reference", "status", "car"} <= set(service["required"])


def test_transitions_are_documented_with_their_names(schema):
    operation = schema["paths"]["/api/services/{id}/transitions/{name}/"]["post"]
    name = next(p for p in operation["parameters"] if p["name"] == "name")
    assert set(name["schema"]["enum"]) >= {"start", "complete", "cancel"}
    assert {"400", "403", "404", "409"} <= set(operation["responses"])
