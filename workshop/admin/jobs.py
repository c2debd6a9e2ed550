"""The job's page (ordre de réparation): its list, intake form, transitions and billing actions.

The lines are in `job_lines`, the « Étapes suivantes » panel above the form in `next_steps`.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RangeDateTimeFilter
from unfold.decorators import action, display
from unfold.enums import ActionVariant

from reports.admin_actions import ServiceDocumentsMixin
from workshop import billing, workflows
from workshop.models import Invoice, Service
from workshop.people import person_name
from workshop.roles import MECHANIC
from workshop.validators import normalise_phone, normalise_plate

from .approvals import ApprovalAdminMixin
from .base import EcarModelAdmin
from .cells import choice_badge, money
from .exports import ListExportMixin
from .filters import PersonDropdownFilter
from .job_lines import ServiceItemInline
from .next_steps import REBILL_HELP, NextStepsAdminMixin
from .search import NormalisedSearchMixin
from .timeline import TimelineAdminMixin
from .transitions import TransitionAdminMixin, bulk_transition_action, transition_action, transition_form

STATUS_COLOURS = {
    "received": "info",
    "diagnosed": "info",
    "approved": "primary",
    "in_progress": "warning",
    "waiting_parts": "danger",
    "completed": "success",
    "invoiced": "success",
    "delivered": "",
    "cancelled": "",
}


INTAKE_FIELDS = ("car", "customer", "kind", "mechanic", "received_at", "promised_at", "complaint")
CONFIRM_OWNER = "confirm_other_owner"


class ServiceAdminForm(forms.ModelForm):
    """The job form: the customer defaults to the car's owner; another customer must be confirmed.

    A fleet car driven by an employee is a real case: the job (and its messages and invoice) then goes to the
    customer chosen, once the user ticks « Le véhicule appartient à un autre client : je confirme ».
    """

    confirm_other_owner = forms.BooleanField(
        label=_("Le véhicule appartient à un autre client : je confirme"),
        required=False,
        help_text=_("Les messages et la facture iront au client de l'ordre, pas au propriétaire du véhicule."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "customer" in self.fields:
            self.fields["customer"].required = False
            self.fields["customer"].help_text = _("Laissé vide : le propriétaire du véhicule.")

    def clean(self):
        cleaned = super().clean()
        car, customer = cleaned.get("car"), cleaned.get("customer")
        if car is None or "customer" not in self.fields:
            return cleaned
        if customer is None:
            cleaned["customer"] = car.owner
            return cleaned
        changed = self.instance.pk is None or {"car", "customer"} & set(self.changed_data)
        if customer.pk != car.owner_id and changed and not cleaned.get(CONFIRM_OWNER):
            self.add_error(
                CONFIRM_OWNER,
                gettext(
                    "Le véhicule %(plate)s appartient à %(owner)s : cochez la confirmation pour ouvrir l'ordre "
                    "au nom de %(customer)s, ou laissez le client vide."
                )
                % {"plate": car.plate, "owner": car.owner.display_name, "customer": customer.display_name},
            )
        return cleaned


ServiceTransitionForm = transition_form(Service)
CancelServiceForm = transition_form(
    Service,
    reason=forms.CharField(label=_("Motif d'annulation"), max_length=255, required=True),
)
TRANSITION_LOOKS = {
    "diagnose": ("request_quote", ActionVariant.INFO),
    "approve": ("thumb_up", ActionVariant.PRIMARY),
    "start": ("build", ActionVariant.PRIMARY),
    "wait_for_parts": ("pending", ActionVariant.WARNING),
    "resume": ("play_arrow", ActionVariant.PRIMARY),
    "complete": ("task_alt", ActionVariant.SUCCESS),
    "deliver": ("directions_car", ActionVariant.SUCCESS),
    "cancel": ("cancel", ActionVariant.DANGER),
}


def _service_transition_actions():
    actions = {}
    for name, label in workflows.SERVICE_TRANSITIONS.items():
        icon, variant = TRANSITION_LOOKS[name]
        form_class = CancelServiceForm if name == "cancel" else ServiceTransitionForm
        actions[f"transition_{name}"] = transition_action(
            name, label, form_class=form_class, icon=icon, variant=variant
        )
    return actions


def _bulk_service_actions():
    def runner(name):
        return lambda queryset, user: workflows.transition_services(services=list(queryset), name=name, user=user)

    bulk_names = ("start", "complete", "deliver")
    return {
        f"bulk_{name}": bulk_transition_action(name, workflows.SERVICE_TRANSITIONS[name], runner(name))
        for name in bulk_names
    }


class ServiceAdmin(
    NextStepsAdminMixin,
    ApprovalAdminMixin,
    ServiceDocumentsMixin,
    TimelineAdminMixin,
    ListExportMixin,
    TransitionAdminMixin,
    NormalisedSearchMixin,
    EcarModelAdmin,
):
    transition_labels = workflows.SERVICE_TRANSITIONS
    actions_detail = [
        *(f"transition_{name}" for name in workflows.SERVICE_TRANSITIONS),
        "create_invoice",
        "rebill",
        *ApprovalAdminMixin.approval_actions,
    ]
    conditional_detail_actions = ("create_invoice", "rebill", *ApprovalAdminMixin.approval_actions)
    actions = ["bulk_start", "bulk_complete", "bulk_deliver", "create_invoices"]
    normalised_search = {"car__plate": normalise_plate, "customer__phone": normalise_phone}
    list_display = (
        "reference",
        "received_at",
        "plate_column",
        "customer_column",
        "kind",
        "status_badge",
        "mechanic_column",
        "total_column",
    )
    list_filter = (
        ("status", ChoicesDropdownFilter),
        ("kind", ChoicesDropdownFilter),
        ("mechanic", PersonDropdownFilter),
        ("received_at", RangeDateTimeFilter),
    )
    search_fields = (
        "reference",
        "car__plate",
        "car__vin",
        "customer__last_name",
        "customer__company_name",
        "customer__phone",
    )
    list_select_related = ("car", "customer", "mechanic")
    list_only = (
        *("reference", "received_at", "kind", "status", "total_ttc", "car__plate"),
        *("customer__kind", "customer__company_name", "customer__first_name", "customer__last_name"),
        *("mechanic__first_name", "mechanic__last_name", "mechanic__username"),
    )
    autocomplete_fields = ("car", "customer")
    form = ServiceAdminForm

    class Media:
        js = ("portal/job_form.js",)  # picking a car fills in its owner

    inlines = [ServiceItemInline]
    price_columns = ("total_column", "totals_summary")
    readonly_fields = (
        "reference",
        "status",
        "totals_summary",
        "approval_panel",
        "diagnosed_at",
        "approved_at",
        "started_at",
        "completed_at",
        "delivered_at",
        "cancelled_at",
        "cancellation_reason",
        "timeline",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("reference", ("car", "customer"), CONFIRM_OWNER, ("kind", "status"), "mechanic")}),
        (_("Réception"), {"fields": (("received_at", "promised_at"), "mileage_in", "complaint")}),
        (
            _("Atelier"),
            {
                "fields": (
                    "diagnosis",
                    ("diagnosed_at", "approved_at", "started_at"),
                    ("completed_at", "delivered_at"),
                    ("cancelled_at", "cancellation_reason"),
                )
            },
        ),
        (_("Montants"), {"fields": ("totals_summary",)}),
        (_("Accord du client"), {"fields": ("approval_panel",)}),
        (_("Historique"), {"fields": ("timeline",), "classes": ["collapse"]}),
    )

    def has_delete_permission(self, request, obj=None):
        """A job the customer answered keeps that evidence (the database refuses to delete it): cancel it instead."""
        return super().has_delete_permission(request, obj) and not (obj and obj.decisions.exists())

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("workshop.add_service"):
            fields += INTAKE_FIELDS
        return fields

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # a new job has no state to move and no history yet
            return ((None, {"fields": ("car", "customer", CONFIRM_OWNER, "kind", "mechanic")}), self.fieldsets[1])
        fieldsets = super().get_fieldsets(request, obj)
        if not request.user.has_perm("workshop.add_service"):  # the intake is read only: nothing to confirm
            fieldsets = [
                (title, {**options, "fields": [f for f in options["fields"] if f != CONFIRM_OWNER]})
                for title, options in fieldsets
            ]
        return fieldsets

    # --- transitions -----------------------------------------------------------------------------

    def fire_transition(self, request, obj, name, data):
        extra = {"reason": data.get("reason", "")} if name == "cancel" else {}
        return workflows.transition_service(
            service=obj, name=name, user=request.user, expected_status=data["expected_status"], **extra
        )

    def extra_detail_actions(self, request, obj):
        approval = self.approval_detail_actions(request, obj)
        can_invoice = obj.status == Service.Status.COMPLETED and request.user.has_perm("workshop.invoice_service")
        if can_invoice and workflows.refusal(obj, "invoice", request.user) is None:
            return {"create_invoice"} | approval
        return ({"rebill"} if self._may_rebill(request, obj) else set()) | approval

    def _may_rebill(self, request, obj) -> bool:
        """A billed job whose invoices were all cancelled by credit notes is billed again from its frozen lines."""
        return request.user.has_perm("workshop.invoice_service") and self._may_rebill_ignoring_role(request, obj)

    def _may_rebill_ignoring_role(self, request, obj) -> bool:
        cache = request.__dict__.setdefault("_ecar_rebill", {})
        if obj.pk not in cache:
            cache[obj.pk] = (
                obj.status in Service.FROZEN_STATUSES
                and obj.invoices.exists()
                and not obj.invoices.exclude(status=Invoice.Status.CANCELLED).exists()
            )
        return cache[obj.pk]

    @action(
        description=_("Facturer"),
        url_path="create-invoice",
        permissions=["workshop.invoice_service"],
        icon="receipt_long",
        variant=ActionVariant.SUCCESS,
        dialog={
            "title": _("Facturer l'ordre de réparation"),
            "description": _("Une facture brouillon reprend les lignes ; l'ordre passe à « Facturé »."),
            "form_class": ServiceTransitionForm,
            "form_submit_text": _("Créer la facture"),
        },
    )
    def create_invoice(self, request, form, object_id):
        return self._draft_invoice(request, form, object_id)

    def _draft_invoice(self, request, form, object_id):
        service = self.get_object(request, object_id)
        if service is None:
            return self.dialog_response(request, self.change_url(object_id), status=404)
        try:
            workflows.refuse_if_stale(service, form.cleaned_data["expected_status"])
            invoice = billing.create_invoice_from_service(service=service, user=request.user)
        except ValidationError as exc:
            return self.refused(request, object_id, exc)
        messages.success(request, gettext("Facture brouillon créée : vérifiez-la puis émettez-la."))
        return self.dialog_response(request, reverse_invoice(invoice))

    @action(
        description=_("Refacturer"),
        url_path="rebill",
        icon="receipt_long",
        variant=ActionVariant.SUCCESS,
        permissions=["workshop.invoice_service"],
        dialog={
            "title": _("Refacturer l'ordre de réparation"),
            "description": REBILL_HELP,
            "form_class": ServiceTransitionForm,
            "form_submit_text": _("Créer la nouvelle facture"),
        },
    )
    def rebill(self, request, form, object_id):
        return self._draft_invoice(request, form, object_id)

    @admin.action(description=_("Facturer (factures brouillon)"))
    def create_invoices(self, request, queryset):
        created = 0
        for service in queryset:
            try:
                billing.create_invoice_from_service(service=service, user=request.user)
                created += 1
            except ValidationError as exc:
                messages.error(request, f"{service.reference} : {' '.join(exc.messages)}")
        if created:
            messages.success(request, gettext("%(count)d facture(s) brouillon créée(s).") % {"count": created})

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("workshop.invoice_service"):
            actions.pop("create_invoices", None)
        return actions

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "mechanic":
            kwargs["queryset"] = get_user_model().objects.filter(groups__name=MECHANIC, is_active=True).distinct()
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = person_name
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @display(description=_("mécanicien"), ordering="mechanic__last_name")
    def mechanic_column(self, obj):
        return person_name(obj.mechanic, default="—")

    @display(description=_("véhicule"), ordering="car__plate")
    def plate_column(self, obj):
        return obj.car.plate

    @display(description=_("client"))
    def customer_column(self, obj):
        return obj.customer.display_name

    @display(description=_("statut"), ordering="status", label=STATUS_COLOURS)
    def status_badge(self, obj):
        return choice_badge(obj, "status")

    @display(description=_("total TTC"), ordering="total_ttc")
    def total_column(self, obj):
        return money(obj.total_ttc)

    @display(description=_("totaux"))
    def totals_summary(self, obj):
        return format_html("HT {} · TVA {} · TTC {}", money(obj.total_ht), money(obj.total_tva), money(obj.total_ttc))


for _name, _function in {**_service_transition_actions(), **_bulk_service_actions()}.items():
    setattr(ServiceAdmin, _name, _function)
admin.site.register(Service, ServiceAdmin)


def reverse_invoice(invoice):
    return reverse("admin:workshop_invoice_change", args=[invoice.pk])
