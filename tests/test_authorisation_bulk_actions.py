"""Bulk actions on the admin lists: each role is offered exactly its own, and posting another changes nothing."""

import re

import pytest
from django.urls import reverse

from tests.authorisation_expected import ROLES
from tests.authorisation_helpers import admin_routes, database_state, logged_in

# changelist: {action: the roles offered it}. Django runs only an action it offers, so a role offered none of
# these cannot run it by posting its name; test_a_bulk_action_not_offered_changes_nothing checks that too.
# fmt: off
BULK_ACTIONS = {
    "admin:workshop_customer_changelist":        {"delete_selected": "root gerant"},
    "admin:workshop_car_changelist":             {"delete_selected": "root gerant"},
    "admin:workshop_part_changelist":            {"delete_selected": "root gerant"},
    "admin:workshop_labouroperation_changelist": {"delete_selected": "root gerant"},
    "admin:workshop_service_changelist": {
        "delete_selected": "root gerant",
        "bulk_start":      "root gerant conseiller mecanicien",
        "bulk_complete":   "root gerant conseiller mecanicien",
        "bulk_deliver":    "root gerant conseiller",
        "create_invoices": "root gerant comptable",
    },
    "admin:workshop_invoice_changelist": {
        "delete_selected":     "root gerant comptable",
        "bulk_issue":          "root gerant comptable",
        "invoices_as_one_pdf": "root gerant conseiller comptable",
        "export_teif":         "root gerant conseiller comptable",
    },
    "admin:workshop_payment_changelist":         {},
    "admin:workshop_creditnote_changelist":      {"export_teif": "root gerant conseiller comptable"},
    "admin:workshop_einvoice_changelist":        {},
    "admin:workshop_refund_changelist":          {},
    "admin:workshop_notification_changelist":    {"delete_selected": "root gerant"},
    "admin:workshop_reminder_changelist":        {},


    "admin:workshop_notificationtemplate_changelist": {"delete_selected": "root gerant"},
    "admin:workshop_customerimport_changelist":  {},
    "admin:workshop_workshopprofile_changelist": {},
    "admin:auth_user_changelist":                {"delete_selected": "root"},
    "admin:auth_group_changelist":               {"delete_selected": "root"},
    "admin:token_blacklist_outstandingtoken_changelist": {},
    "admin:token_blacklist_blacklistedtoken_changelist": {"delete_selected": "root"},
    "admin:axes_accessattempt_changelist": {"delete_selected": "root gerant", "unlock": "root gerant"},
}
# fmt: on
ACTION_SELECT = re.compile(r'<select[^>]*name="action".*?</select>', re.S)


def offered_actions(html: str) -> set[str]:
    select = ACTION_SELECT.search(html)
    return set(re.findall(r'<option value="([^"]+)"', select.group(0))) if select else set()


def changelist_names() -> list[str]:
    return [name for _route, name in admin_routes() if name and name.endswith("_changelist")]


def test_every_list_has_its_bulk_actions_stated():
    assert sorted(set(changelist_names()) ^ set(BULK_ACTIONS)) == []


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_offered_exactly_its_bulk_actions(world, role):
    for name, actions in BULK_ACTIONS.items():
        response = logged_in(world, role).get(reverse(name))
        if response.status_code != 200:
            continue  # the list itself is refused (see EXPECTED)
        expected = {action for action, roles_offered in actions.items() if role in roles_offered.split()}
        assert offered_actions(response.content.decode()) == expected, f"{name} as {role}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [role for role in ROLES if role != "root"])
def test_a_bulk_action_not_offered_changes_nothing(world, role):
    """Posting the name of an action the role is not offered, with the rows selected, moves nothing."""
    targets = {
        "admin:workshop_service_changelist": "workshop_service",
        "admin:workshop_invoice_changelist": "workshop_invoice",
    }
    for name, key in targets.items():
        for action, roles_offered in BULK_ACTIONS[name].items():
            if role in roles_offered.split():
                continue
            selected = [obj.pk for obj in world.objects[key].values()]
            response = logged_in(world, role).post(
                reverse(name), {"action": action, "_selected_action": selected, "index": "0", "post": "yes"}
            )
            assert response.status_code in (200, 302, 403), f"{action} as {role}"
            assert database_state() == world.initial_state, f"{action} as {role} changed the database"
