"""How people are named on screens, in timelines, exports and documents: their full name, else their login.

The one rule for every place that shows who did something (« émise par », « encaissé par », the mechanic, the
timeline): `person_name` in Python and templates (the `full_name` filter), `person_name_sql` inside a query.
"""

from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Concat, Trim


def person_name(user, default: str = "") -> str:
    """`Sami Trabelsi` for a user with a name, `sami` (the login) without one, `default` for nobody."""
    if user is None:
        return str(default)
    return user.get_full_name() or user.get_username()


def person_name_sql(path: str):
    """The same name computed by the database for the user at `path` (`recorded_by`): for values() and exports."""
    full = Trim(Concat(F(f"{path}__first_name"), Value(" "), F(f"{path}__last_name"), output_field=CharField()))
    return Case(
        When(**{f"{path}__isnull": True}, then=Value("")),
        When(**{f"{path}__first_name": "", f"{path}__last_name": ""}, then=F(f"{path}__username")),
        default=full,
        output_field=CharField(),
    )
