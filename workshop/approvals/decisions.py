"""The customer's answer to each estimate line, recorded as evidence, and its effect on the job.

`decide` is the one write (the public page, the customer app and the adviser's « accord par téléphone » all call
it): one transaction, the job's row locked, every line checked to belong to the job and to be still as the
customer saw it, one `LineDecision` row per answer. When every required line (not « recommandé ») has an answer
and at least one is approved, the job moves to « Accepté » through `workflows.fire` (transition `approve`, the
adviser's « Accord du client »), attributed to the customer's app account when there is one, else to the adviser
who took the call, else to nobody (the public link: the evidence rows name the signer, the reason says so).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workshop.models import ApprovalLink, LineDecision, Service, ServiceItem
from workshop.workflows import TransitionRefused, fire

D = ServiceItem.Decision
A = LineDecision.Actor
ANSWERS = (D.APPROVED, D.DECLINED)
OPEN_STATUSES = (
    Service.Status.DIAGNOSED,
    Service.Status.APPROVED,
    Service.Status.IN_PROGRESS,
    Service.Status.WAITING_PARTS,
    Service.Status.COMPLETED,
)
"""A job whose lines may still be answered: the estimate is out, the job not yet invoiced."""
CUSTOMER_ACTORS = (A.CUSTOMER_LINK, A.CUSTOMER_APP)


def decide(
    *,
    service: Service,
    answers: dict,
    actor: str,
    user=None,
    signed_name: str = "",
    ip_address: str | None = None,
    user_agent: str = "",
    terms: dict | None = None,
    link: ApprovalLink | None = None,
) -> Service:
    """Record `answers` ({line id: "approved" | "declined"}) and return the job as saved.

    `terms` ({line id: `ServiceItem.terms()` as shown}) refuses an answer to a line changed since it was shown.
    A customer answers only lines still proposed; the adviser (by phone) may also change a given answer.
    """
    answers = _checked_answers(answers)
    signed_name = (signed_name or "").strip()[:120]
    if actor not in A.values:
        raise ValueError(f"unknown actor {actor}")
    if actor == A.CUSTOMER_LINK and len(signed_name) < 2:
        raise ValidationError({"signed_name": _("Tapez votre nom pour signer votre réponse.")})
    if actor == A.ADVISER_PHONE and not (user and user.has_perm("workshop.approve_service")):
        raise TransitionRefused(_("Votre rôle ne permet pas d'enregistrer l'accord du client."), code="forbidden")
    with transaction.atomic():
        locked = Service.objects.select_for_update().select_related("customer").get(pk=service.pk)
        if link is not None:
            link = ApprovalLink.objects.select_for_update().get(pk=link.pk)
            if link.service_id != locked.pk or not link.is_live:
                raise ValidationError(_("Ce lien n'est plus valable : demandez un nouveau lien au garage."))
        if locked.status not in OPEN_STATUSES:
            raise TransitionRefused(
                _("Le devis %(reference)s n'attend plus de réponse (état « %(state)s »).")
                % {"reference": locked.reference, "state": locked.get_status_display()},
                code="state",
            )
        items = {item.pk: item for item in ServiceItem.objects.select_for_update().filter(service=locked)}
        _refuse_unknown_or_changed(items, answers, terms, customer=actor in CUSTOMER_ACTORS)
        if actor == A.CUSTOMER_LINK:
            still_open = {pk for pk, item in items.items() if item.decision == D.PROPOSED} - set(answers)
            if still_open:
                raise ValidationError(_("Répondez à chaque ligne (accepter ou refuser) avant de confirmer."))
        now = timezone.now()
        acting = _acting_user(locked, actor, user)
        for pk, answer in answers.items():
            evidence = {"signed_name": signed_name, "ip_address": ip_address, "user_agent": (user_agent or "")[:300]}
            _record(items[pk], answer, actor=actor, user=acting, link=link, now=now, **evidence)
        locked.refresh_totals()  # the lines' answers changed the totals; `fire` saves the whole row
        if link is not None:
            link.used_at = now
            link.save(update_fields=["used_at"])
        if not any(item.decision == D.PROPOSED for item in items.values()):
            ApprovalLink.objects.filter(service=locked, used_at__isnull=True, revoked_at__isnull=True).update(
                used_at=now
            )
        if locked.status == Service.Status.DIAGNOSED and _answered_enough(items.values()):
            label = _("Accord du client (%(how)s)") % {"how": A(actor).label}
            if signed_name:
                label = f"{label} — {signed_name}"
            locked = fire(instance=locked, name="approve", user=acting, label=label, locked=True, by_customer=True)
    return locked


def approve_proposed_lines(*, service: Service, user) -> None:
    """The adviser's « Accord du client » button: the customer's word covers every line still proposed."""
    now = timezone.now()
    for item in ServiceItem.objects.filter(service=service, decision=D.PROPOSED).order_by("position", "id"):
        _record(item, D.APPROVED, actor=A.ADVISER_COUNTER, user=user, now=now)
    ApprovalLink.objects.filter(service=service, used_at__isnull=True, revoked_at__isnull=True).update(used_at=now)


def _record(item, answer, *, actor, user, now, signed_name="", ip_address=None, user_agent="", link=None) -> None:
    item.decision, item.decided_at, item.decided_terms = answer, now, item.terms()
    item._history_user = user
    item._change_reason = str(D(answer).label)
    item.save()
    LineDecision.objects.create(
        service_id=item.service_id,
        item=item,
        description=item.description,
        total_ttc=item.total_ttc,
        terms=item.decided_terms,
        decision=answer,
        actor=actor,
        user=user,
        signed_name=signed_name,
        ip_address=ip_address or None,
        user_agent=user_agent,
        link=link,
        decided_at=now,
    )


def _checked_answers(answers) -> dict[int, str]:
    if not isinstance(answers, dict) or not answers:
        raise ValidationError({"answers": _("Choisissez au moins une ligne à accepter ou refuser.")})
    checked = {}
    for key, value in answers.items():
        try:
            pk = int(key)
        except (TypeError, ValueError):
            raise ValidationError({"answers": _("Ligne inconnue : %(line)s.") % {"line": key}}) from None
        if value not in ANSWERS:
            raise ValidationError(
                {"answers": _("Réponse inconnue « %(value)s » : « approved » ou « declined ».") % {"value": value}}
            )
        checked[pk] = value
    return checked


def _refuse_unknown_or_changed(items: dict, answers: dict, terms: dict | None, *, customer: bool) -> None:
    unknown = set(answers) - set(items)
    if unknown:
        raise ValidationError({"answers": _("Ces lignes n'appartiennent pas à ce devis.")})
    for pk in answers:
        item = items[pk]
        if terms is not None and str(terms.get(pk, terms.get(str(pk), ""))) != item.terms():
            raise ValidationError(
                _("La ligne « %(line)s » a changé depuis l'affichage du devis : rechargez la page.")
                % {"line": item.description}
            )
        if customer and item.decision != D.PROPOSED:
            raise ValidationError(_("La ligne « %(line)s » a déjà reçu votre réponse.") % {"line": item.description})


def _answered_enough(items) -> bool:
    items = list(items)
    required_open = any(item.decision == D.PROPOSED and not item.recommended for item in items)
    return not required_open and any(item.decision == D.APPROVED for item in items)


def _acting_user(service: Service, actor: str, user):
    """Whom the job's history names: the customer's app account, else the adviser acting, else nobody."""
    if actor in CUSTOMER_ACTORS:
        return service.customer.user if service.customer.user_id else None
    return user
