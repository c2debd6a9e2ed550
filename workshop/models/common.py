from contextlib import contextmanager
from functools import cache

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMFieldMixin

from workshop.invariants import refusal_message


class LockedError(PermissionDenied):
    """A write refused because the record is frozen (issued document, invoiced job's items).

    A PermissionDenied, so any view that lets one through answers 403 with the message instead of 500.
    """

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)


@contextmanager
def database_refusals():
    """A write the database's invariant triggers refuse becomes a LockedError with the rule's French message."""
    try:
        yield
    except IntegrityError as error:
        message = refusal_message(error)
        if message is None:
            raise
        raise LockedError(message) from error


def refusal(message):
    """Attach the French reason shown when a transition condition fails (see workflows.refusal_reason)."""

    def decorate(condition):
        condition.refusal = message
        return condition

    return decorate


MONEY = {"max_digits": 14, "decimal_places": 3}
QUANTITY = {"max_digits": 12, "decimal_places": 3}


class TvaRate(models.IntegerChoices):
    STANDARD = 19, "19 %"
    INTERMEDIATE = 13, "13 %"
    REDUCED = 7, "7 %"
    EXEMPT = 0, _("0 % (exonéré)")


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class DocumentSequence(models.Model):
    """One counter per series and year (`OR-2026`, `F-2026`, `AV-2026`): numbers without gaps."""

    key = models.CharField(max_length=20, unique=True)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("séquence de numérotation")
        verbose_name_plural = _("séquences de numérotation")

    def __str__(self):
        return f"{self.key}: {self.last_value}"

    @classmethod
    def next_value(cls, key: str) -> int:
        """Atomically take the next number of a series.

        The upsert locks the counter row until the caller's transaction ends, so concurrent callers queue
        and a rolled-back caller gives its number back: the series stays uninterrupted.
        """
        return cls.reserve(key, 1).start

    @classmethod
    def reserve(cls, key: str, count: int) -> range:
        """Take `count` consecutive numbers at once (bulk loads), under the same lock as `next_value`."""
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (key, last_value) VALUES (%s, %s) "
                f"ON CONFLICT (key) DO UPDATE SET last_value = {table}.last_value + %s RETURNING last_value",
                [key, count, count],
            )
            last = cursor.fetchone()[0]
        return range(last - count + 1, last + 1)


class StateMachineStatusMixin:
    """The state machine owns `status`: model validation never reassigns it (the protected field refuses that)."""

    def clean_fields(self, exclude=None):
        super().clean_fields(exclude={*(exclude or ()), "status"})

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        """Reload without touching the class: django-fsm lifts `protected` on the shared field while it reloads,
        so another thread's reload, finding it set back, failed with "Direct status modification is not
        allowed". A protected field refuses assignment only while its value sits in the instance's
        `__dict__`, so the reloaded ones are taken out first, on this instance alone."""
        protected = [
            f.attname
            for f in self._meta.concrete_fields
            if isinstance(f, FSMFieldMixin) and f.protected and (fields is None or f.attname in fields)
        ]
        kept = {name: self.__dict__.pop(name) for name in protected if name in self.__dict__}
        try:
            models.Model.refresh_from_db(self, using=using, fields=fields, from_queryset=from_queryset)
        except Exception:
            self.__dict__.update(kept)
            raise
        self._update_initial_state()

    @property
    def state_fields(self):
        """django-fsm looks for its state fields among all the model's fields for every instance made (a list page
        makes a few hundred); they are the same for every instance of a class."""
        return _state_fields(type(self))


@cache
def _state_fields(model) -> tuple:
    return tuple(field for field in model._meta.fields if isinstance(field, FSMFieldMixin))


class GuardedQuerySet(models.QuerySet):
    """Bulk `update()` and `delete()` obey the same lock as single saves.

    Subclasses name the locked rows (`locked_rows`, a Q over the model) and the refusal (`locked_message`);
    a bulk write touching any locked row is refused whole.
    """

    locked_rows: Q
    locked_message = ""

    def _refuse_locked(self):
        if self.filter(self.locked_rows).exists():
            raise LockedError(self.locked_message)

    def update(self, **kwargs):
        self._refuse_locked()
        with database_refusals():
            return super().update(**kwargs)

    def delete(self):
        self._refuse_locked()
        with database_refusals():
            return super().delete()
