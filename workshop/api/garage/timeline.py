"""A job's state changes, read back from its audit history: what a customer's app shows as the job's progress."""

from workshop.models import Service


def status_history(service: Service) -> list[dict]:
    """Each state the job entered and when, oldest first (one query, whatever the job's length)."""
    labels = dict(Service.Status.choices)
    rows = (
        Service.history.filter(id=service.pk)
        .order_by("history_date", "history_id")
        .values_list("status", "history_date")
    )
    changes, previous = [], None
    for state, moment in rows:
        if state != previous:
            changes.append({"status": state, "status_display": str(labels.get(state, state)), "at": moment})
            previous = state
    return changes
