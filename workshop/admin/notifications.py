"""Notifications (what left, what failed for good, what it cost) and the message templates managers edit."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter
from unfold.decorators import action, display

from workshop.models import Notification, NotificationTemplate
from workshop.models.notifications import CONFIDENTIAL_EVENTS
from workshop.notifications.encoding import measure
from workshop.notifications.gateways import GatewayError
from workshop.notifications.messages import EVENTS, allowed_placeholders
from workshop.notifications.preview import garage_name, preview
from workshop.notifications.sending import send_test_sms

from .base import EcarModelAdmin
from .cells import choice_badge

NOTIFICATION_COLOURS = {
    "pending": "warning",
    "sending": "info",
    "sent": "success",
    "delivered": "success",
    "failed": "danger",
    "cancelled": "",
}
TEST_GATEWAY_PERMISSION = "workshop.test_gateway"


class FailedForGoodFilter(admin.SimpleListFilter):
    title = _("à vérifier")
    parameter_name = "probleme"

    def lookups(self, request, model_admin):
        return [("echec", _("Échec définitif")), ("retry", _("En attente d'un nouvel essai"))]

    def queryset(self, request, queryset):
        if self.value() == "echec":
            return queryset.filter(status=Notification.Status.FAILED)
        if self.value() == "retry":
            return queryset.filter(status=Notification.Status.PENDING, attempts__gt=0)
        return queryset


class TestSmsForm(forms.Form):
    phone = forms.CharField(label=_("Téléphone"), max_length=20, help_text=_("Par exemple 20 123 456"))
    text = forms.CharField(label=_("Texte"), widget=forms.Textarea(attrs={"rows": 3}), max_length=918)


@admin.register(Notification)
class NotificationAdmin(EcarModelAdmin):
    list_display = (
        "created_at",
        "customer",
        "recipient",
        "channel",
        "event",
        "status_badge",
        "cost",
        "attempts",
        "sent_at",
        "delivered_at",
    )
    list_filter = (FailedForGoodFilter, ("status", ChoicesDropdownFilter), "channel", "event", "backend")
    search_fields = ("customer__last_name", "customer__company_name", "customer__phone", "recipient", "gateway_id")
    list_select_related = ("customer",)
    autocomplete_fields = ("customer", "service")
    readonly_fields = (
        "cost",
        "attempts",
        "last_error",
        "scheduled_for",
        "backend",
        "gateway_id",
        "sent_at",
        "delivery_status",
        "delivered_at",
        "created_at",
    )
    exclude = ("claim_token", "claimed_at", "invoice")
    actions_list = ["test_gateway_action"]

    def get_queryset(self, request):
        # A verification code proves a phone belongs to its owner: nobody at the garage reads it, or could finish
        # someone's registration with it.
        return super().get_queryset(request).exclude(event__in=CONFIDENTIAL_EVENTS)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        field = super().formfield_for_choice_field(db_field, request, **kwargs)
        if db_field.name == "event":  # nor queue a fake one
            field.choices = [c for c in field.choices if c[0] not in CONFIDENTIAL_EVENTS]
        return field

    def lookup_allowed(self, lookup, value, request=None):
        # `?message__contains=1` would read any message digit by digit past the columns shown.
        if lookup.split("__")[0] == "message":
            return False
        return super().lookup_allowed(lookup, value, request)

    @display(description=_("statut"), ordering="status", label=NOTIFICATION_COLOURS)
    def status_badge(self, obj):
        return choice_badge(obj, "status")

    @display(description=_("coût SMS"))
    def cost(self, obj):
        return str(measure(obj.message)) if obj.channel == Notification.Channel.SMS else "—"

    @action(
        description=_("Tester la passerelle"),
        icon="cell_tower",
        url_path="test-gateway-action",
        permissions=[TEST_GATEWAY_PERMISSION],
    )
    def test_gateway_action(self, request):
        return redirect("admin:workshop_notification_test_gateway")

    def get_urls(self):
        view = self.admin_site.admin_view(self.test_gateway_view)
        return [path("test-gateway/", view, name="workshop_notification_test_gateway"), *super().get_urls()]

    def test_gateway_view(self, request):
        """One SMS now through the configured gateway, outside the queue: its id, encoding and segments, or why not."""
        if not request.user.has_perm(TEST_GATEWAY_PERMISSION):
            raise PermissionDenied
        form = TestSmsForm(request.POST or None)
        status = 200
        if request.method == "POST":
            status = 400
            if form.is_valid():
                text = form.cleaned_data["text"]
                try:
                    message_id = send_test_sms(phone=form.cleaned_data["phone"], text=text)
                except GatewayError as error:
                    form.add_error(None, error.reason)
                    messages.error(request, error.reason)
                else:
                    messages.success(
                        request,
                        gettext("Message accepté par la passerelle : identifiant %(id)s, %(length)s.")
                        % {"id": message_id, "length": measure(text)},
                    )
                    return redirect("admin:workshop_notification_test_gateway")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Tester la passerelle SMS"),
            "form": form,
            "backend": self._backend_name(),
        }
        return TemplateResponse(request, "admin/workshop/notification/test_gateway.html", context, status=status)

    @staticmethod
    def _backend_name():
        from django.conf import settings

        return settings.ECAR_SMS_BACKEND


class TemplateForm(forms.ModelForm):
    event = forms.ChoiceField(label=_("événement"))

    class Meta:
        model = NotificationTemplate
        fields = ("event", "language", "subject", "text")
        widgets = {"text": forms.Textarea(attrs={"rows": 5, "data-ecar-template-text": "1"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [(event, spec.label) for event, spec in EVENTS.items()]


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(EcarModelAdmin):
    form = TemplateForm
    list_display = ("event_label", "language", "text")
    list_filter = ("event", "language")
    search_fields = ("text", "subject")
    readonly_fields = ("placeholders", "live_preview")
    fields = ("event", "language", "subject", "text", "placeholders", "live_preview")

    class Media:
        js = ("portal/template_preview.js",)

    @display(description=_("événement"), ordering="event")
    def event_label(self, obj):
        spec = EVENTS.get(obj.event)
        return spec.label if spec else obj.event

    def get_list_display(self, request):
        garage = garage_name()  # one query for the page, not one per row

        @display(description=_("coût SMS"))
        def cost(obj):
            result = preview(event=obj.event, language=obj.language, text=obj.text, garage=garage)
            return result.get("summary") or result.get("error")

        return (*super().get_list_display(request), cost)

    @display(description=_("variables possibles"))
    def placeholders(self, obj):
        names = allowed_placeholders(obj.event) if obj and obj.event else ()
        return ", ".join(f"{{{name}}}" for name in names) or gettext("Choisissez l'événement et enregistrez.")

    @display(description=_("aperçu"))
    def live_preview(self, obj):
        from django.urls import reverse
        from django.utils.html import format_html

        result = preview(event=obj.event, language=obj.language, text=obj.text) if obj and obj.pk else {}
        return format_html(
            '<div data-ecar-template-preview="{}"><p class="ecar-preview-text" style="white-space: pre-wrap">{}</p>'
            '<p class="ecar-preview-cost font-semibold">{}</p></div>',
            reverse("admin:workshop_notificationtemplate_preview"),
            result.get("text", ""),
            result.get("summary") or result.get("error", ""),
        )

    def get_urls(self):
        view = self.admin_site.admin_view(self.preview_view)
        return [path("preview/", view, name="workshop_notificationtemplate_preview"), *super().get_urls()]

    def preview_view(self, request):
        """POST event, language, text: the rendered sample and its segments (JSON), for the page as one types."""
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        event, text = request.POST.get("event", ""), request.POST.get("text", "")
        if not event or not text:
            return JsonResponse({"error": gettext("Indiquez l'événement et le texte.")}, status=400)
        result = preview(event=event, language=request.POST.get("language", "fr"), text=text)
        return JsonResponse(result, status=400 if "error" in result else 200)
