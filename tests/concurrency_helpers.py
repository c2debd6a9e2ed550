"""Concurrency tests' common part: a committed accountant for the threads to act as, and calls released together
from real threads, each on its own connection."""

import threading

import pytest
from django.db import connection

from tests import factories as f
from workshop import roles


@pytest.fixture
def committed_accountant(transactional_db):
    """An accountant, with the workshop's profile, in a database every thread sees (nothing is rolled back): the
    roles are synced again first, since a transactional test starts from a database emptied by the one before."""
    roles.sync_roles()
    f.WorkshopProfileFactory()
    return f.UserFactory(username="comptable-t", role=roles.ACCOUNTANT)


def at_once(call, arguments: list) -> list:
    """`call(argument)` for every argument, each in its own thread, all released at the same moment (a barrier);
    each thread's database connection is closed when it ends. Returns, in the order given, what each call
    returned or the exception it raised."""
    barrier, outcomes = threading.Barrier(len(arguments)), [None] * len(arguments)

    def run(index, argument):
        try:
            barrier.wait()
            outcomes[index] = call(argument)
        except Exception as exc:  # the outcome the test asserts on
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(arguments)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def succeeded(outcomes: list) -> list:
    """The outcomes of `at_once`, once none is an exception; fails naming those raised otherwise."""
    raised = [repr(outcome) for outcome in outcomes if isinstance(outcome, Exception)]
    if raised:
        raise AssertionError(f"{len(raised)} call(s) raised: {raised}")
    return outcomes
