"""The API's exception handler turns each domain refusal into its 4xx and message, never a 500."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError
from django.utils import translation

from workshop.api.errors import error_responses, exception_handler
from workshop.models import LockedError
from workshop.workflows import TransitionRefused


def answer(exc):
    return exception_handler(exc, {})


@pytest.mark.parametrize(("code", "status"), [("stale", 409), ("forbidden", 403), ("condition", 400), ("state", 400)])
def test_transition_refusals_by_code(code, status):
    response = answer(TransitionRefused("Pas maintenant.", code=code))
    assert (response.status_code, response.data) == (status, {"detail": "Pas maintenant.", "code": code})


def test_model_validation_errors_are_field_errors():
    response = answer(ValidationError({"phone": ["Numéro invalide."], "__all__": ["Incohérent."]}))
    assert response.status_code == 400
    assert response.data == {"phone": ["Numéro invalide."], "non_field_errors": ["Incohérent."]}
    assert answer(ValidationError("Seul.")).data == {"non_field_errors": ["Seul."]}


def test_frozen_records_and_dependants_are_conflicts():
    assert answer(LockedError("Figé.")).status_code == 409
    assert answer(LockedError("Figé.")).data["detail"] == "Figé."
    assert answer(ProtectedError("used", set())).status_code == 409
    assert answer(IntegrityError("duplicate key")).status_code == 409


def test_messages_follow_the_active_language():
    with translation.override("en"):
        assert "meanwhile" in answer(IntegrityError("x")).data["detail"]
    with translation.override("fr"):
        assert "entre-temps" in answer(IntegrityError("x")).data["detail"]


def test_other_exceptions_are_left_to_drf():
    from rest_framework.exceptions import NotAuthenticated

    assert answer(NotAuthenticated()).status_code == 401
    assert answer(KeyError("bug")) is None  # a real bug stays a 500 with its traceback, never hidden


def test_error_responses_always_document_401():
    assert set(error_responses(400, 409)) == {400, 401, 409}
