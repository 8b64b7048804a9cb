"""The provider host with its clock moved: ``python -m tests.engine.clock_host``, for tests only.

Why this seam: the host is a subprocess, so a patch inside the test process does not reach it,
and a date read by the provider itself from an environment variable would be a switch any user
could trip in a pipeline. This launcher lives in the test suite, not in the package: it moves
the process's wall clock with time-machine to ``CLOCK_HOST_TODAY`` (an ISO date or time, UTC;
the clock ticks on from there), then runs ``pulumi.dynamic``'s own ``__main__`` in the same
process, exactly as ``python -m pulumi.dynamic`` would. The provider's code is the code users
run, unchanged; only what ``datetime.now`` and ``time.time`` answer is moved (not the monotonic
clock, which the rate limiter and Python's lock timeouts use). libfaketime would also work, but
only on Linux, and faking the monotonic clock there hangs Python's lock timeouts.
"""

from __future__ import annotations

import datetime
import os
import runpy

import grpc
import time_machine

ENV = "CLOCK_HOST_TODAY"
MODULE = "tests.engine.clock_host"


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
