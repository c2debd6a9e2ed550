"""Repair orders, their lines, and their transitions, which go through `workshop.workflows` like the admin's."""

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from portal.login_lockout import client_ip
from workshop import workflows
from workshop.api.errors import error_responses
from workshop.api.filters import ServiceFilter, ServiceItemFilter
from workshop.api.permissions import CUSTOMER, MECHANIC, STAFF
from workshop.approvals.decisions import decide
from workshop.history import service_timeline
from workshop.models import Service, ServiceItem
from workshop.roles import can_see_prices

from .approval import ApprovalRequestSerializer, ApprovalSerializer, actor_for, approval_data
from .base import GarageViewSet
from .job_serializers import (
    CustomerItemSerializer,
    CustomerServiceDetailSerializer,
    CustomerServiceSerializer,
    MechanicItemSerializer,
    MechanicServiceDetailSerializer,
    MechanicServiceSerializer,
    ServiceDetailSerializer,
    ServiceItemSerializer,
    ServiceSerializer,
    TransitionSerializer,
)
from .timeline import status_history

TRANSITION_NAME = OpenApiParameter(
    "name",
    str,
    OpenApiParameter.PATH,
    enum=list(workflows.SERVICE_TRANSITIONS),
    description="diagnose, approve, start, wait_for_parts, resume, complete, deliver, cancel",
)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Ordres de réparation"),
        description=gettext_lazy(
            "Personnel : tous les ordres, avec les montants pour qui voit les prix. Mécanicien : seulement les "
            "ordres qui lui sont affectés, sans aucun montant. Client : les ordres de ses véhicules. Filtres : "
            "statut (répétable), type, véhicule, client, mécanicien, plaque, période de réception."
        ),
        responses={200: ServiceSerializer(many=True), **error_responses(400, 403)},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Un ordre de réparation"),
        description=gettext_lazy(
            "Avec ses lignes, ses changements d'état et, pour le personnel et le mécanicien, la chronologie et les "
            "étapes possibles (avec la raison d'un blocage)."
        ),
        responses={200: ServiceDetailSerializer, **error_responses(403, 404)},
    ),
    create=extend_schema(
        summary=gettext_lazy("Créer un ordre de réparation"),
        description=gettext_lazy("Le client est par défaut le propriétaire du véhicule."),
        request=ServiceSerializer,
        responses={201: ServiceSerializer, **error_responses(400, 403)},
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("Modifier un ordre de réparation"),
        description=gettext_lazy("Mécanicien : seulement le diagnostic et le kilométrage d'entrée de ses ordres."),
        request=ServiceSerializer,
        responses={200: ServiceSerializer, **error_responses(400, 403, 404)},
    ),
)
class ServiceViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, GarageViewSet
):
    serializers = {STAFF: ServiceSerializer, MECHANIC: MechanicServiceSerializer, CUSTOMER: CustomerServiceSerializer}
    detail_serializers = {
        STAFF: ServiceDetailSerializer,
        MECHANIC: MechanicServiceDetailSerializer,
        CUSTOMER: CustomerServiceDetailSerializer,
    }
    customer_actions = ("list", "retrieve", "approval")
    read_actions = ("transition", "approval")  # the workflow / `decide` check their own permission (403)
    filterset_class = ServiceFilter
    ordering = "-received_at"
    ordering_fields = ("received_at", "reference", "id")

    def base_queryset(self):
        queryset = Service.objects.select_related("car", "customer")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(Prefetch("items", ServiceItem.objects.order_by("position", "id")))
        return queryset

    def customer_rows(self, queryset, customer):
        return queryset.filter(customer=customer)

    def staff_rows(self, queryset, user):
        return queryset.visible_to(user)

    def retrieve(self, request, *args, **kwargs):
        service = self.get_object()
        service.status_history = status_history(service)
        if self.caller in (STAFF, MECHANIC):
            service.timeline = service_timeline(service, with_prices=can_see_prices(request.user))
            service.transitions = workflows.available_transitions(service, request.user, workflows.SERVICE_TRANSITIONS)
        return Response(self.get_serializer(service).data)

    @extend_schema(
        summary=gettext_lazy("Faire avancer un ordre de réparation"),
        description=gettext_lazy(
            "Les mêmes étapes que les boutons de l'administration, par les mêmes fonctions. `expected_status` est "
            "l'état que l'appelant a vu : si l'ordre a changé entre-temps, 409. Rôle qui ne le permet pas : 403. "
            "Condition non remplie ou étape impossible dans cet état : 400. Message dans la langue de "
            "l'en-tête Accept-Language (fr par défaut, ar, en)."
        ),
        parameters=[TRANSITION_NAME],
        request=TransitionSerializer,
        responses={200: ServiceDetailSerializer, **error_responses(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[a-z_]+)", url_name="transition")
    def transition(self, request, pk=None, name=None):
        if name not in workflows.SERVICE_TRANSITIONS:
            raise NotFound(_("Transition inconnue : %(name)s.") % {"name": name})
        service = self.get_object()
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        extra = {}
        if name == "cancel":
            reason = data.validated_data.get("reason", "").strip()
            if not reason:
                return Response({"reason": [_("Indiquez le motif d'annulation.")]}, status=status.HTTP_400_BAD_REQUEST)
            extra["reason"] = reason
        workflows.transition_service(
            service=service,
            name=name,
            user=request.user,
            expected_status=data.validated_data["expected_status"],
            **extra,
        )
        self.action = "retrieve"
        self.kwargs["pk"] = service.pk
        return self.retrieve(request)

    @extend_schema(
        methods=["GET"],
        summary=gettext_lazy("Le devis à accepter, ligne par ligne"),
        description=gettext_lazy(
            "Les lignes avec leur réponse (proposé, accepté, refusé), « recommandé », et les totaux des lignes non "
            "refusées, timbre compris. Client : ses ordres seulement (404 sinon)."
        ),
        responses={200: ApprovalSerializer, **error_responses(403, 404)},
    )
    @extend_schema(
        methods=["POST"],
        summary=gettext_lazy("Accepter ou refuser des lignes du devis"),
        description=gettext_lazy(
            "Client : sa réponse, depuis l'application, aux lignes encore proposées. Personnel (droit « accord du "
            "client ») : la réponse donnée par téléphone. Chaque réponse renvoie `terms` tel que lu : une ligne "
            "changée depuis est refusée (400). Quand chaque ligne non recommandée a sa réponse et qu'au moins une "
            "est acceptée, l'ordre passe à « Accepté »."
        ),
        request=ApprovalRequestSerializer,
        responses={200: ApprovalSerializer, **error_responses(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["get", "post"], url_path="approval", url_name="approval")
    def approval(self, request, pk=None):
        if self.caller == MECHANIC:
            raise PermissionDenied(_("Le devis et ses prix ne sont pas visibles avec votre rôle."))
        service = self.get_object()
        if request.method == "POST":
            data = ApprovalRequestSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            answers = data.validated_data["answers"]
            decide(
                service=service,
                answers={answer["line"]: answer["decision"] for answer in answers},
                terms={answer["line"]: answer["terms"] for answer in answers},
                actor=actor_for(self.caller),
                user=request.user,
                signed_name=data.validated_data.get("signed_name", ""),
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
            service.refresh_from_db()
        return Response(ApprovalSerializer(approval_data(service)).data)

    def get_object(self):
        try:
            return super().get_object()
        except (ValueError, TypeError):
            raise Http404 from None


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Lignes des ordres de réparation"),
        description=gettext_lazy(
            "Pièces et main-d'œuvre. Mécanicien : les lignes de ses ordres, sans aucun prix ni total, ni en "
            "lecture ni en écriture. Client : les lignes du devis de ses ordres, avec les prix."
        ),
        responses={200: ServiceItemSerializer(many=True), **error_responses(400, 403)},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Une ligne"), responses={200: ServiceItemSerializer, **error_responses(403, 404)}
    ),
    create=extend_schema(
        summary=gettext_lazy("Ajouter une ligne"),
        description=gettext_lazy(
            "Prix laissé vide : celui du catalogue. Les lignes d'un ordre facturé sont figées (409)."
        ),
        request=ServiceItemSerializer,
        responses={201: ServiceItemSerializer, **error_responses(400, 403, 409)},
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("Modifier une ligne"),
        request=ServiceItemSerializer,
        responses={200: ServiceItemSerializer, **error_responses(400, 403, 404, 409)},
    ),
    destroy=extend_schema(
        summary=gettext_lazy("Supprimer une ligne"), responses={204: None, **error_responses(403, 404, 409)}
    ),
)
class ServiceItemViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    GarageViewSet,
):
    serializers = {STAFF: ServiceItemSerializer, MECHANIC: MechanicItemSerializer, CUSTOMER: CustomerItemSerializer}
    customer_actions = ("list", "retrieve")
    filterset_class = ServiceItemFilter
    ordering = "-service"  # grouped by job, newest job first: the job's index serves a customer's or mechanic's lines
    ordering_fields = ("service", "id", "position")

    def base_queryset(self):
        return ServiceItem.objects.all()

    def customer_rows(self, queryset, customer):
        return queryset.filter(service__customer=customer)

    def staff_rows(self, queryset, user):
        if user.has_perm("workshop.view_all_services"):
            return queryset
        return queryset.filter(service__mechanic=user)

    def perform_destroy(self, instance):
        instance._history_user = self.request.user
        instance.delete()
