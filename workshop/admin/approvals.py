"""The job page's part of the customer's approval (issue 13): each line's answer and its evidence, the link,
« Renvoyer le lien » and « Accord par téléphone ». The work is done by `workshop.approvals`."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action, display
from unfold.enums import ActionVariant

from workshop.approvals import links
from workshop.approvals.decisions import OPEN_STATUSES, decide
from workshop.models import ApprovalLink, LineDecision, Service, ServiceItem
from workshop.money import format_tnd

from .transitions import TransitionForm, style_dialog_fields


class PhoneDecisionForm(TransitionForm):
    """One answer per line, as the customer gave it on the phone (blank: no answer yet)."""

    model = Service

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        choices = [("", "—"), *((value, label) for value, label in ServiceItem.Decision.choices if value != "proposed")]
        for item in ServiceItem.objects.filter(service_id=object_id).order_by("position", "id") if object_id else ():
            self.fields[f"line_{item.pk}"] = forms.ChoiceField(
                label=f"{item.description} ({format_tnd(item.total_ttc)})",
                choices=choices,
                required=False,
                initial="" if item.decision == "proposed" else item.decision,
            )
        style_dialog_fields(self)

    def answers(self) -> dict[int, str]:
        return {
            int(name.removeprefix("line_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("line_") and value
        }


class ResendLinkForm(TransitionForm):
    model = Service


class ApprovalAdminMixin:
    """For ServiceAdmin: the « Accord du client » panel and its two buttons (shown while the job is open)."""

    approval_actions = ("resend_approval_link", "record_phone_decision")

    def approval_detail_actions(self, request, obj) -> set[str]:
        if obj.status not in OPEN_STATUSES or not request.user.has_perm("workshop.approve_service"):
            return set()
        return set(self.approval_actions)

    @display(description=_("accord du client, ligne par ligne"))
    def approval_panel(self, obj):
        if not obj or not obj.pk:
            return "—"
        items = list(obj.items.order_by("position", "id"))
        decisions = list(LineDecision.objects.filter(service=obj).select_related("user").order_by("-decided_at", "-id"))
        latest = {}
        for decision in decisions:
            latest.setdefault(decision.item_id, decision)
        link = ApprovalLink.objects.filter(service=obj).order_by("-created_at", "-id").first()
        rows = [(item, latest.get(item.pk)) for item in items]
        context = {"rows": rows, "decisions": decisions, "link": link, "link_url": links.url_for(link) if link else ""}
        return render_to_string("workshop/admin/approval.html", context)

    @action(
        description=_("Renvoyer le lien du devis"),
        url_path="resend-approval-link",
        permissions=["workshop.approve_service"],
        icon="send",
        variant=ActionVariant.INFO,
        dialog={
            "title": _("Renvoyer le lien du devis"),
            "description": _(
                "Le client reçoit « Devis prêt » avec un nouveau lien ; l'ancien lien ne fonctionne plus."
            ),
            "form_class": ResendLinkForm,
            "form_submit_text": _("Renvoyer"),
        },
    )
    def resend_approval_link(self, request, form, object_id):
        service = self.get_object(request, object_id)
        if service is None or service.status not in OPEN_STATUSES:
            return self.dialog_response(request, self.change_url(object_id), status=404)
        note = links.send_link(service=service, user=request.user)
        if note is None:
            messages.warning(
                request,
                gettext("Nouveau lien créé, mais le client n'accepte ni SMS ni e-mail : donnez-lui le lien affiché."),
            )
        else:
            messages.success(request, gettext("Lien du devis renvoyé à %(to)s.") % {"to": note.recipient})
        return self.dialog_response(request, self.change_url(service))

    @action(
        description=_("Accord par téléphone"),
        url_path="record-phone-decision",
        permissions=["workshop.approve_service"],
        icon="call",
        variant=ActionVariant.PRIMARY,
        dialog={
            "title": _("Réponse du client par téléphone"),
            "description": _(
                "La réponse est enregistrée ligne par ligne comme donnée par téléphone, à votre nom. Quand chaque "
                "ligne non recommandée a sa réponse et qu'une au moins est acceptée, l'ordre passe à « Accepté »."
            ),
            "form_class": PhoneDecisionForm,
            "form_submit_text": _("Enregistrer"),
        },
    )
    def record_phone_decision(self, request, form, object_id):
        service = self.get_object(request, object_id)
        if service is None:
            return self.dialog_response(request, self.change_url(object_id), status=404)
        try:
            service = decide(
                service=service, answers=form.answers(), actor=LineDecision.Actor.ADVISER_PHONE, user=request.user
            )
        except ValidationError as exc:
            return self.refused(request, object_id, exc)
        messages.success(request, gettext("Réponse du client enregistrée (par téléphone)."))
        return self.dialog_response(request, self.change_url(service))
