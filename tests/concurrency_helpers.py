"""Concurrency tests' common part: calls released together from real threads, each on its own connection."""

import threading

from django.db import connection


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
