"""State-machine transitions as unfold buttons that really submit.

django-fsm-2's own admin buttons render outside unfold's <form>; here each transition is an unfold
`actions_detail` entry whose dialog POSTs a small form (the state the user saw, plus any input the
transition needs). Only the transitions the current state and the user's role allow are shown; a refusal
(conditions, a concurrent change) comes back as a message and a 4xx, with nothing changed.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.decorators import action
from unfold.enums import ActionVariant
from unfold.forms import BaseDialogForm
from unfold.widgets import (
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminSingleDateWidget,
    UnfoldAdminTextInputWidget,
)

from workshop.workflows import available_transitions, transition_permission

ACTION_PREFIX = "transition_"
BULK_PREFIX = "bulk_"
STATUS_CODES = {"stale": 409, "forbidden": 403}


# A plain Django widget renders without unfold's classes: an input with no box in the dialog.
DIALOG_WIDGETS = (
    (forms.DecimalField, forms.NumberInput, UnfoldAdminDecimalFieldWidget),
    (forms.IntegerField, forms.NumberInput, UnfoldAdminIntegerFieldWidget),
    (forms.DateField, forms.DateInput, UnfoldAdminSingleDateWidget),
    (forms.ChoiceField, forms.Select, UnfoldAdminSelectWidget),
    (forms.CharField, forms.TextInput, UnfoldAdminTextInputWidget),
)


def style_dialog_fields(form) -> None:
    """Give each field still on Django's plain widget unfold's, keeping the attributes the field set (min, max,
    step, maxlength). Call it once the form has all its fields (some are added per invoice line)."""
    for field in form.fields.values():
        for field_class, plain_widget, unfold_widget in DIALOG_WIDGETS:
            if isinstance(field, field_class) and type(field.widget) is plain_widget:
                widget = unfold_widget(attrs=field.widget.attrs)
                if hasattr(field.widget, "choices"):
                    widget.choices = field.widget.choices
                field.widget = widget
                break


class TransitionForm(BaseDialogForm):
    """The confirmation dialog: carries the state shown when the user clicked."""

    model = None
    expected_status = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        if self.model is not None and object_id is not None:
            status = self.model._default_manager.filter(pk=object_id).values_list("status", flat=True).first()
            self.fields["expected_status"].initial = status
        style_dialog_fields(self)


def transition_form(model, **extra_fields):
    attrs = {"model": model, "__module__": __name__, **extra_fields}
    return type(f"{model.__name__}TransitionForm", (TransitionForm,), attrs)


def transition_action(name: str, label, *, form_class, icon=None, variant=ActionVariant.DEFAULT, description=None):
    """An unfold detail action firing `name`; the admin's `fire_transition(request, obj, name, data)` does it."""

    def run(model_admin, request, form, object_id):
        return model_admin.run_transition(request, object_id, name, form.cleaned_data, label=label)

    run.__name__ = f"{ACTION_PREFIX}{name}"
    model = form_class.model
    permission = transition_permission(model, name) or f"{model._meta.app_label}.change_{model._meta.model_name}"
    return action(
        run,
        permissions=[permission],
        description=label,
        url_path=f"transition-{name.replace('_', '-')}",
        icon=icon,
        variant=variant,
        dialog={
            "title": label,
            "description": description or gettext_lazy("Confirmez-vous ce changement d'état ?"),
            "form_class": form_class,
            "form_submit_text": label,
        },
    )


class TransitionAdminMixin:
    """Shows the transition buttons the state and role allow, runs them, answers the dialog correctly."""

    transition_labels: dict = {}
    # Non-transition detail actions shown only when `extra_detail_actions` names them.
    conditional_detail_actions: tuple[str, ...] = ()

    def _transition_object(self, request, object_id):
        cache = request.__dict__.setdefault("_ecar_transition_objects", {})
        key = (self.model, str(object_id))
        if key not in cache:
            cache[key] = self.get_object(request, object_id)
        return cache[key]

    def available_transitions(self, request, obj):
        return available_transitions(obj, request.user, self.transition_labels)

    def get_actions_detail(self, request, object_id):
        actions = super().get_actions_detail(request, object_id)
        obj = self._transition_object(request, object_id)
        if obj is None:
            return []
        fireable = {t.name for t in self.available_transitions(request, obj) if t.refusal is None}
        fireable |= self.extra_detail_actions(request, obj)
        prefix = f"{self.model._meta.app_label}_{self.model._meta.model_name}_"

        def shown(detail_action) -> bool:
            name = detail_action.action_name.removeprefix(prefix)
            if name.startswith(ACTION_PREFIX):
                return name.removeprefix(ACTION_PREFIX) in fireable
            if name in self.conditional_detail_actions:
                return name in fireable
            return True  # unconditional actions (document downloads) check their own permissions

        return [a for a in actions if shown(a)]

    def extra_detail_actions(self, request, obj) -> set[str]:
        """Names of non-transition detail actions (payments, credit notes) available on this object."""
        return set()

    def get_actions(self, request):
        """Bulk actions only for the transitions the user's role may ever fire."""
        actions = super().get_actions(request)
        for name in list(actions):
            if name.startswith(BULK_PREFIX) and name.removeprefix(BULK_PREFIX) in self.transition_labels:
                permission = transition_permission(self.model, name.removeprefix(BULK_PREFIX))
                if permission and not request.user.has_perm(permission):
                    del actions[name]
        return actions

    def change_url(self, obj_or_id):
        pk = getattr(obj_or_id, "pk", obj_or_id)
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])

    def dialog_response(self, request, url, *, status=200, message=""):
        """htmx follows HX-Redirect whatever the status; a plain POST gets a redirect or the 4xx and the reason."""
        if request.headers.get("HX-Request"):
            return HttpResponse(message, status=status, headers={"HX-Redirect": url})
        if status >= 400:
            return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
        return HttpResponseRedirect(url)

    def refused(self, request, obj_or_id, exc: ValidationError):
        message = " ".join(exc.messages)
        messages.error(request, message)
        code = getattr(exc, "code", None)
        return self.dialog_response(
            request, self.change_url(obj_or_id), status=STATUS_CODES.get(code, 400), message=message
        )

    def run_transition(self, request, object_id, name, data, *, label):
        obj = self.get_object(request, object_id)
        if obj is None:
            return self.dialog_response(request, self.change_url(object_id), status=404, message=_("Introuvable."))
        try:
            obj = self.fire_transition(request, obj, name, data)
        except ValidationError as exc:
            return self.refused(request, object_id, exc)
        messages.success(request, _("%(record)s : « %(action)s » effectué.") % {"record": obj, "action": label})
        return self.dialog_response(request, self.change_url(obj))

    def fire_transition(self, request, obj, name, data):
        raise NotImplementedError


def bulk_transition_action(name: str, label, run_bulk):
    """A changelist action firing `name` on each selected row; refusals are listed, the rest goes through."""

    def bulk(model_admin, request, queryset):
        done, refusals = run_bulk(queryset, request.user)
        if done:
            messages.success(
                request,
                _("%(count)d élément(s) : « %(action)s » effectué.")
                % {
                    "count": len(done),
                    "action": label,
                },
            )
        for refusal in refusals:
            messages.error(request, refusal)

    bulk.__name__ = f"{BULK_PREFIX}{name}"
    bulk.short_description = label
    return bulk
