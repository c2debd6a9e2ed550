"""Firing state-machine transitions safely: row lock, stale-page check, permission, conditions, audit.

The transitions themselves (sources, targets, conditions, permissions, effects) are declared on the
models with django-fsm-2. Every caller (admin buttons, bulk actions, billing, later the API) goes through
`fire`, so two people acting on the same record at the same moment cannot both win: the row is locked,
and the state the user saw must still be the state in the database.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition

from workshop.models import Service

SERVICE_TRANSITIONS = {
    "diagnose": gettext_lazy("Devis prêt"),
    "approve": gettext_lazy("Accord du client"),
    "start": gettext_lazy("Commencer les travaux"),
    "wait_for_parts": gettext_lazy("En attente de pièces"),
    "resume": gettext_lazy("Reprendre les travaux"),
    "complete": gettext_lazy("Terminer les travaux"),
    "deliver": gettext_lazy("Remettre au client"),
    "cancel": gettext_lazy("Annuler l'ordre"),
}
"""Service transitions a user fires directly; `invoice` and `reopen` belong to workshop.billing."""


class TransitionRefused(ValidationError):
    """A transition that may not happen now; the message says why, in French, for the user."""


@dataclass(frozen=True)
class AvailableTransition:
    name: str
    label: str
    refusal: str | None  # None: it can be fired now


def _transition_of(instance, name):
    method = getattr(instance, name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        raise ValueError(f"{type(instance).__name__}.{name} is not a transition")
    return meta.get_transition(meta.field.get_state(instance))


def refusal(instance, name: str, user, *, label=None) -> TransitionRefused | None:
    """Why `user` may not fire `name` on `instance` now (code `state`, `forbidden` or `condition`), or None."""
    reason = refusal_reason(instance, name, user, label=label)
    if reason is None:
        return None
    transition = _transition_of(instance, name)
    if transition is None:
        code = "state"
    elif user is not None and not transition.has_perm(instance, user):
        code = "forbidden"
    else:
        code = "condition"
    return TransitionRefused(reason, code=code)


def refusal_reason(instance, name: str, user, *, label=None) -> str | None:
    """Why `user` may not fire `name` on `instance` now, or None when they may."""
    transition = _transition_of(instance, name)
    label = label or name
    if transition is None:
        return _("« %(action)s » est impossible quand « %(record)s » est à l'état « %(state)s ».") % {
            "action": label,
            "record": instance,
            "state": instance.get_status_display(),
        }
    if user is not None and not transition.has_perm(instance, user):
        return _("Votre rôle ne permet pas « %(action)s » sur « %(record)s ».") % {"action": label, "record": instance}
    for condition in transition.conditions:
        if not condition(instance):
            return str(getattr(condition, "refusal", _("Une condition de « %(action)s » n'est pas remplie.")))
    return None


def available_transitions(instance, user, transitions: dict) -> list[AvailableTransition]:
    """The transitions the state allows and the user's role permits, each with its blocking reason if any."""
    available = []
    for name, label in transitions.items():
        transition = _transition_of(instance, name)
        if transition is None or not transition.has_perm(instance, user):
            continue
        available.append(AvailableTransition(name, str(label), refusal_reason(instance, name, user, label=label)))
    return available


def stale_message(instance, current) -> str:
    return _(
        "« %(record)s » a changé entre-temps : il est maintenant à l'état « %(state)s ». "
        "Rechargez la page avant de recommencer."
    ) % {"record": current, "state": current.get_status_display()}


def fire(
    *,
    instance,
    name: str,
    user,
    expected_status: str | None = None,
    label=None,
    save_fields=None,
    locked: bool = False,
    **kwargs,
):
    """Fire one transition in its own transaction and return the saved, locked copy of the record.

    `expected_status` is the state the user saw (defaults to the caller's in-memory state): if the row
    has moved since, the transition is refused rather than applied to a state nobody looked at.

    `locked=True` is for callers that read `instance` with `select_for_update()` inside the atomic block
    that is still open: the row is already theirs until commit, so the transition applies to `instance`
    itself, without locking and reading the row a second time, and an error rolls back the caller's block.
    """
    if not locked:
        with transaction.atomic():
            current = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
            return _apply(instance, current, name, user, expected_status, label, save_fields, kwargs)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("fire(locked=True) needs the caller's transaction that holds the row lock.")
    return _apply(instance, instance, name, user, expected_status, label, save_fields, kwargs)


def _apply(instance, current, name, user, expected_status, label, save_fields, kwargs):
    """Stale check, permission and conditions, then the transition and its save (history user and reason)."""
    expected = expected_status if expected_status is not None else instance.status
    if current.status != expected:
        raise TransitionRefused(stale_message(instance, current), code="stale")
    refused = refusal(current, name, user, label=label)
    if refused:
        raise refused
    result = getattr(current, name)(**kwargs)
    current._history_user = user
    current._change_reason = str(label or name)
    try:
        current.save(update_fields=save_fields) if save_fields else current.save()
    except ConcurrentTransition as exc:  # a writer that skipped the lock got there first
        raise TransitionRefused(stale_message(instance, current), code="stale") from exc
    current._transition_result = result
    return current


def refuse_if_stale(instance, expected_status: str) -> None:
    """The page the user clicked on showed `expected_status`; refuse if the row has moved since."""
    instance.refresh_from_db(fields=["status"])
    if instance.status != expected_status:
        raise TransitionRefused(stale_message(instance, instance), code="stale")


def transition_service(*, service: Service, name: str, user, expected_status: str | None = None, **kwargs) -> Service:
    """Move a repair order along its workflow (see Service's transitions for what each one checks and does)."""
    if name not in SERVICE_TRANSITIONS:
        raise TransitionRefused(_("Transition inconnue : %(name)s.") % {"name": name}, code="state")
    return fire(
        instance=service,
        name=name,
        user=user,
        expected_status=expected_status,
        label=SERVICE_TRANSITIONS[name],
        **kwargs,
    )


def transition_services(*, services, name: str, user) -> tuple[list[Service], list[str]]:
    """The bulk action: each job in its own transaction; returns the moved jobs and one message per refusal."""
    moved, refusals = [], []
    for service in services:
        try:
            moved.append(transition_service(service=service, name=name, user=user))
        except TransitionRefused as exc:
            refusals.append(f"{service.reference} : {' '.join(exc.messages)}")
    return moved, refusals


def transition_permission(model, name: str) -> str | None:
    """The permission codename a transition asks for (callable permissions expose theirs as `.permission`)."""
    for transition in getattr(model, name)._django_fsm.transitions.values():
        permission = transition.permission
        return getattr(permission, "permission", permission) if permission else None
    return None
