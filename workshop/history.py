"""Audit history read back for people: a job's timeline of state changes and edits, who and when.

The rows come from django-simple-history's tables (the job, its lines, its invoices, their payments and
counter-payments, and the money returned to the customer),
one query per table whatever the job's length, and are merged into one list, newest first.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from workshop.models import Invoice, Payment, Refund, Service, ServiceItem
from workshop.money import format_tnd, is_money_field
from workshop.people import person_name

IGNORED_FIELDS = {"updated_at", "created_at", "total_ht", "total_tva", "total_ttc", "reference"}


@dataclass
class TimelineEntry:
    when: datetime
    who: str
    title: str
    changes: list[str] = field(default_factory=list)
    reason: str = ""
    kind: str = "edit"  # create, edit, status, delete


def _user_label(user) -> str:
    return person_name(user, default=_("système"))


def _value(model_field, value, users: dict) -> str:
    if value in (None, ""):
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.name == "mechanic":
        return users.get(value, str(value))
    if model_field.name == "unit_price":
        return format_tnd(value)
    if isinstance(value, datetime):  # stored in UTC: shown on the workshop's clock, like the entry's own time
        return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _diffs(model, records, users: dict, *, describe, with_prices=True) -> list[TimelineEntry]:
    """One entry per history row: what changed against the previous row of the same object.

    Without prices, changes of money fields are left out (an edit that only moved money shows nothing)."""
    previous: dict[int, object] = {}
    entries = []
    for record in records:  # oldest first
        before = previous.get(record.id)
        previous[record.id] = record
        who = _user_label(record.history_user)
        if record.history_type == "+":
            entries.append(TimelineEntry(record.history_date, who, describe(record, "create"), kind="create"))
            continue
        if record.history_type == "-":
            entries.append(TimelineEntry(record.history_date, who, describe(record, "delete"), kind="delete"))
            continue
        changes, status_change = [], None
        if before is not None:
            for model_field in _tracked_fields(model):
                if not with_prices and is_money_field(model_field):
                    continue
                old, new = getattr(before, model_field.attname), getattr(record, model_field.attname)
                if old == new:
                    continue
                old, new = _value(model_field, old, users), _value(model_field, new, users)
                if model_field.name == "status":
                    status_change = (old, new)
                    continue
                changes.append(f"{model_field.verbose_name} : {old} → {new}")
        if status_change:
            title = _("%(what)s : %(old)s → %(new)s") % {
                "what": describe(record, "status"),
                "old": status_change[0],
                "new": status_change[1],
            }
            kind = "status"
        elif changes:
            title, kind = describe(record, "edit"), "edit"
        else:
            continue
        entries.append(
            TimelineEntry(record.history_date, who, title, changes, record.history_change_reason or "", kind)
        )
    return entries


def _tracked_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in IGNORED_FIELDS]


def _history(model, **filters):
    return model.history.filter(**filters).select_related("history_user").order_by("history_date", "history_id")


def service_timeline(service: Service, *, with_prices: bool = True) -> list[TimelineEntry]:
    """Every state change and edit of a job, its lines, its invoices and payments: newest first.

    `with_prices=False` (for those who may not see prices) leaves out every amount: money fields' changes and
    the amount of a payment."""
    service_rows = list(_history(Service, id=service.pk))
    item_rows = list(_history(ServiceItem, service_id=service.pk))
    invoice_rows = list(_history(Invoice, service_id=service.pk))
    payment_rows = list(_history(Payment, invoice__service_id=service.pk))
    refund_rows = list(_history(Refund, invoice__service_id=service.pk))
    mechanic_ids = {row.mechanic_id for row in service_rows if row.mechanic_id}
    users = (
        {user.pk: _user_label(user) for user in get_user_model().objects.filter(pk__in=mechanic_ids)}
        if mechanic_ids
        else {}
    )

    def job(record, what):
        return {
            "create": _("Ordre de réparation créé"),
            "delete": _("Ordre de réparation supprimé"),
            "status": _("Statut"),
            "edit": _("Ordre modifié"),
        }[what]

    def item(record, what):
        label = record.description or _("ligne")
        return {
            "create": _("Ligne ajoutée : %(line)s"),
            "delete": _("Ligne supprimée : %(line)s"),
            "status": _("Ligne : %(line)s"),
            "edit": _("Ligne modifiée : %(line)s"),
        }[what] % {"line": label}

    def invoice(record, what):
        label = record.number or _("brouillon")
        return {
            "create": _("Facture créée (%(invoice)s)"),
            "delete": _("Facture brouillon supprimée"),
            "status": _("Facture %(invoice)s"),
            "edit": _("Facture modifiée (%(invoice)s)"),
        }[what] % {"invoice": label}

    def payment(record, what):
        if not with_prices:
            if record.reverses_id:
                return _("Paiement contre-passé (%(method)s)") % {"method": record.get_method_display()}
            return _("Paiement enregistré (%(method)s)") % {"method": record.get_method_display()}
        amount = format_tnd(record.amount + record.withholding_amount)
        if record.reverses_id:
            return _("Paiement contre-passé : %(amount)s (%(method)s), motif : %(reason)s") % {
                "amount": amount,
                "method": record.get_method_display(),
                "reason": record.reason,
            }
        return _("Paiement enregistré : %(amount)s (%(method)s)") % {
            "amount": amount,
            "method": record.get_method_display(),
        }

    def refund(record, what):
        if not with_prices:
            return record.get_kind_display()
        if record.kind == Refund.Kind.CREDIT:
            return _("Gardé en avoir client : %(amount)s") % {"amount": format_tnd(record.amount)}
        return _("Remboursé au client : %(amount)s (%(method)s)") % {
            "amount": format_tnd(record.amount),
            "method": record.get_method_display(),
        }

    entries = [
        *_diffs(Service, service_rows, users, describe=job, with_prices=with_prices),
        *_diffs(ServiceItem, item_rows, users, describe=item, with_prices=with_prices),
        *_diffs(Invoice, invoice_rows, users, describe=invoice, with_prices=with_prices),
        *_diffs(Payment, payment_rows, users, describe=payment, with_prices=with_prices),
        *_diffs(Refund, refund_rows, users, describe=refund, with_prices=with_prices),
    ]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries
