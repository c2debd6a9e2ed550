"""Customers, cars and notifications (jobs and their lines: job_views.py)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from workshop.api.errors import error_responses
from workshop.api.filters import CarFilter, CustomerFilter, NotificationFilter
from workshop.api.permissions import CUSTOMER, MECHANIC, STAFF
from workshop.models import Car, Customer, Notification, Service

from .base import GarageViewSet
from .serializers import (
    CarReadSerializer,
    CarSerializer,
    CustomerNotificationSerializer,
    CustomerSelfSerializer,
    CustomerSerializer,
    NotificationSerializer,
)

READ = {"list", "retrieve"}


@extend_schema_view(
    list=extend_schema(
        summary=_("Clients"),
        description=_(
            "Personnel : tous les clients (permission « voir les clients ») ; recherche par téléphone sous toute "
            "écriture (`?phone=20 123 456`), plaque, matricule, e-mail ou début du nom. Client de l'application : "
            "sa seule fiche."
        ),
        responses={200: CustomerSerializer(many=True), **error_responses(400, 403)},
    ),
    retrieve=extend_schema(summary=_("Un client"), responses={200: CustomerSerializer, **error_responses(403, 404)}),
    create=extend_schema(
        summary=_("Créer un client"),
        description=_("Mêmes contrôles que l'administration (téléphone, matricule fiscal, nom ou raison sociale)."),
        request=CustomerSerializer,
        responses={201: CustomerSerializer, **error_responses(400, 403)},
    ),
    partial_update=extend_schema(
        summary=_("Modifier un client"),
        description=_(
            "Personnel : la fiche entière. Client de l'application : seulement son e-mail, sa langue et ses "
            "consentements (SMS, e-mail) ; les autres champs sont ignorés."
        ),
        request=CustomerSerializer,
        responses={200: CustomerSerializer, **error_responses(400, 403, 404)},
    ),
)
class CustomerViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, GarageViewSet
):
    serializers = {STAFF: CustomerSerializer, MECHANIC: CustomerSerializer, CUSTOMER: CustomerSelfSerializer}
    customer_actions = ("list", "retrieve", "partial_update")
    filterset_class = CustomerFilter
    ordering = "-pk"
    ordering_fields = ("id", "last_name", "created_at")

    def base_queryset(self):
        return Customer.objects.all()

    def customer_rows(self, queryset, customer):
        return queryset.filter(pk=customer.pk)


@extend_schema_view(
    list=extend_schema(
        summary=_("Véhicules"),
        description=_(
            "Personnel : tous les véhicules ; recherche par plaque sous toute écriture (`123 تونس 4567`, "
            "`123TU4567`) ou VIN. Mécanicien : les véhicules de ses ordres. Client : ses véhicules, avec le "
            "kilométrage et le prochain entretien."
        ),
        responses={200: CarSerializer(many=True), **error_responses(400, 403)},
    ),
    retrieve=extend_schema(summary=_("Un véhicule"), responses={200: CarSerializer, **error_responses(403, 404)}),
    create=extend_schema(
        summary=_("Créer un véhicule"),
        request=CarSerializer,
        responses={201: CarSerializer, **error_responses(400, 403)},
    ),
    partial_update=extend_schema(
        summary=_("Modifier un véhicule"),
        request=CarSerializer,
        responses={200: CarSerializer, **error_responses(400, 403, 404)},
    ),
)
class CarViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, GarageViewSet
):
    serializers = {STAFF: CarSerializer, MECHANIC: CarReadSerializer, CUSTOMER: CarReadSerializer}
    customer_actions = ("list", "retrieve")
    filterset_class = CarFilter
    ordering = "-pk"
    ordering_fields = ("id", "plate", "created_at")

    def base_queryset(self):
        return Car.objects.all()

    def customer_rows(self, queryset, customer):
        return queryset.filter(owner=customer)

    def staff_rows(self, queryset, user):
        if user.has_perm("workshop.view_all_services") or user.has_perm("workshop.view_customer"):
            return queryset
        return queryset.filter(pk__in=Service.objects.visible_to(user).values("car_id"))


@extend_schema_view(
    list=extend_schema(
        summary=_("Notifications"),
        description=_("Personnel : toutes (permission « voir les notifications »). Client : les siennes."),
        responses={200: NotificationSerializer(many=True), **error_responses(400, 403)},
    ),
    retrieve=extend_schema(
        summary=_("Une notification"), responses={200: NotificationSerializer, **error_responses(403, 404)}
    ),
)
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GarageViewSet):
    serializers = {
        STAFF: NotificationSerializer,
        MECHANIC: NotificationSerializer,
        CUSTOMER: CustomerNotificationSerializer,
    }
    customer_actions = tuple(READ)
    filterset_class = NotificationFilter
    ordering = "-created_at"
    ordering_fields = ("created_at", "id")

    def base_queryset(self):
        return Notification.objects.all()

    def customer_rows(self, queryset, customer):
        return queryset.filter(customer=customer)
