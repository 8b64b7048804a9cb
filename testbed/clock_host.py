"""The provider host with its clock moved: ``python -m testbed.clock_host``, for tests and the bench.

Why this seam: the host is a subprocess, so a patch inside the test process does not reach it,
and a date read by the provider itself from an environment variable would be a switch any user
could trip in a pipeline. This launcher lives beside the package, not in it (``testbed/`` is not
shipped): it moves the process's wall clock with time-machine to ``CLOCK_HOST_TODAY`` (an ISO
date or time, UTC; the clock ticks on from there), then runs ``pulumi.dynamic``'s own
``__main__`` in the same process, exactly as ``python -m pulumi.dynamic`` would. The provider's
code is the code users run, unchanged; only what ``datetime.now`` and ``time.time`` answer is
moved (not the monotonic clock, which the rate limiter and Python's lock timeouts use).
libfaketime would also work, but only on Linux, and faking the monotonic clock there hangs
Python's lock timeouts. The engine tests (tests/engine/test_schedule.py, test_nights.py) and the
benchmark's consecutive nights (bench/nights.py) start their hosts through it.
"""

from __future__ import annotations

import datetime
import os
import runpy

import grpc
import time_machine

ENV = "CLOCK_HOST_TODAY"
MODULE = "testbed.clock_host"


def _destination() -> datetime.datetime:
    moment = datetime.datetime.fromisoformat(os.environ[ENV])
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


def _travel_once_started() -> None:
    # grpc's Server.start() polls its completion queue with a deadline of time.time(): with the
    # clock already moved into the future that wait would last years. So the travel starts just
    # after the server has started, and before the host prints its port: no call can arrive
    # before the clock is moved.
    traveller = time_machine.travel(_destination(), tick=True)
    make_server = grpc.server

    def server(*args: object, **kwargs: object) -> grpc.Server:
        made = make_server(*args, **kwargs)  # type: ignore[arg-type]
        start = made.start

        def start_then_travel() -> None:
            start()
            traveller.start()

        made.start = start_then_travel  # type: ignore[method-assign]
        return made

    grpc.server = server  # type: ignore[assignment]


if __name__ == "__main__":
    _travel_once_started()
    runpy.run_module("pulumi.dynamic", run_name="__main__", alter_sys=True)
