"""The « Étapes suivantes » panel above a job's form: what can happen next, and why a step is blocked.

The job's own transitions come from `TransitionAdminMixin.available_transitions`; billing, which is not a
transition of the job but an operation of `workshop.billing`, is added here as a `NextStep`.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from workshop import workflows
from workshop.models import Service

REBILL_HELP = _(
    "Toutes les factures de cet ordre ont été annulées par avoir : une nouvelle facture brouillon reprend "
    "ses lignes figées, à vérifier puis émettre."
)
INVOICE_HELP = _(
    "Après « Terminé », l'ordre est facturé (bouton « Facturer ») : une facture brouillon reprend les lignes, "
    "à vérifier puis émettre ; le véhicule est ensuite remis au client."
)
BILLED_BY = _("la facturation est faite par le comptable ou le gérant.")


@dataclass(frozen=True)
class NextStep:
    """A step of the « Étapes suivantes » panel that is not a transition of the job (re-billing)."""

    name: str
    label: str
    refusal: str | None
    help: str = ""


class NextStepsAdminMixin:
    """The panel of the job's page, mixed into `ServiceAdmin`: it provides `available_transitions`
    (TransitionAdminMixin) and `_may_rebill_ignoring_role`, which the re-billing actions share."""

    change_form_outer_before_template = "workshop/admin/next_steps.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The panel above the form: what can happen next, and why a step is blocked."""
        obj = self._transition_object(request, object_id)
        extra_context = extra_context or {}
        if obj is not None:
            steps = list(self.available_transitions(request, obj))
            steps += self._billing_steps(request, obj)
            extra_context["workflow_steps"] = steps
        return super().change_view(request, object_id, form_url, extra_context)

    def _billing_steps(self, request, obj) -> list[NextStep]:
        """What follows « Terminé » and a total credit note: billing, by those who bill (told to everyone)."""
        may_bill = request.user.has_perm("workshop.invoice_service")
        if obj.status == Service.Status.COMPLETED:
            refused = workflows.refusal(obj, "invoice", request.user) if may_bill else None
            reason = str(BILLED_BY) if not may_bill else (" ".join(refused.messages) if refused else None)
            return [NextStep("create_invoice", str(_("Facturer")), reason, str(INVOICE_HELP))]
        if self._all_invoices_cancelled(request, obj):
            return [NextStep("rebill", str(_("Refacturer")), None if may_bill else str(BILLED_BY), str(REBILL_HELP))]
        return []

    def _all_invoices_cancelled(self, request, obj) -> bool:
        return obj.status in Service.FROZEN_STATUSES and self._may_rebill_ignoring_role(request, obj)
