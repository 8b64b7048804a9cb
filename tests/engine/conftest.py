"""Fixtures for engine-level tests: moto server, the fault proxy, provider hosts, declared goals.

    def test_x(pool, proxy, launch, declare):
        pool.user("alice")
        stack = launch(proxy.url).stack           # a host configured with aws:endpoints -> proxy
        stack.up(declare("r", user_pool_id=pool.id, username="alice"))

Every process is stopped by PID at teardown, whatever the test did.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from testbed import clock_host

from .faultproxy import FaultProxy, never
from .harness import Engine, Goal, Stack, stack_config
from .harness import declare as declare_goal
from .servers import ROOT, Host, Moto, host_env, start_host


@pytest.fixture
def proxy(moto: Moto) -> Iterator[FaultProxy]:
    """A fault proxy in front of moto, forwarding everything until a test sets ``proxy.policy``."""
    with FaultProxy(upstream=moto.url) as server:
        yield server


@dataclass
class Launched:
    """A provider host, configured, and a stack state driven through it."""

    host: Host
    engine: Engine
    stack: Stack

    def stderr(self) -> str:
        return self.host.process.stderr_text()


    def close(self) -> None:
        self.engine.close()
        self.host.stop()


def launch_host(logs: Path, endpoint: str | None, *, config: Mapping[str, str] | None = None,
                secret_config: Collection[str] = (), env: Mapping[str, str] | None = None,
                credentials: bool = True, today: str | None = None, cwd: Path = ROOT) -> Launched:
    """Start a provider host (logs and HOME under ``logs``), connect, and configure it with a stack
    config whose aws:endpoints is ``endpoint``. The caller must ``close()`` it (fixtures do).

    ``cwd`` is the project root the host runs in (this repository unless another project is
    meant): the CLI starts it there, and ``python -m`` puts it first on ``sys.path``.

    ``today`` (``YYYY-MM-DD``, or an ISO time) starts the host through ``clock_host``, its wall
    clock moved to that UTC moment and ticking on from there."""
    module = "pulumi.dynamic"
    if today is not None:
        module, env = clock_host.MODULE, {**(env or {}), clock_host.ENV: today}
    host = start_host(logs, env=host_env(logs / "home", credentials=credentials, extra=env), module=module,
                      cwd=cwd)
    try:
        engine = Engine(host.address)
        engine.start(stack_config(endpoint, **(config or {})), secret_config)
    except BaseException:
        host.stop()
        raise
    return Launched(host, engine, Stack(engine))


Launch = Callable[..., Launched]


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[Launch]:
    """``launch(endpoint, config=..., secret_config=..., env=..., credentials=...)`` -> Launched.

    ``endpoint`` goes into aws:endpoints (None: no endpoint config); ``config`` adds stack config
    keys, ``secret_config`` names those sent as secrets; ``env`` adds host environment variables
    (e.g. ``{"AWS_MAX_ATTEMPTS": "2"}``); ``credentials=False`` starts it without AWS keys;
    ``today="2026-12-01"`` moves the host's clock to that UTC day; ``cwd=path`` runs it in another
    project's root.
    Each call starts a new host (a host configures a provider once per process); all are
    stopped at teardown.
    """
    started: list[Launched] = []

    def start(endpoint: str | None, **options: Any) -> Launched:
        launched = launch_host(tmp_path / f"host-{len(started)}", endpoint, **options)
        started.append(launched)
        return launched

    try:
        yield start
    finally:
        for launched in started:
            launched.close()


@pytest.fixture(scope="module")
def _module_proxy(moto: Moto) -> Iterator[FaultProxy]:
    with FaultProxy(upstream=moto.url) as server:
        yield server


@pytest.fixture
def shared_proxy(_module_proxy: FaultProxy) -> Iterator[FaultProxy]:
    """Like ``proxy``, but one server per test module (so ``shared_launch`` hosts can keep pointing
    at it); each test starts with no records and the forwarding policy."""
    _module_proxy.policy = never()
    _module_proxy.clear()
    yield _module_proxy
    _module_proxy.policy = never()


@pytest.fixture(scope="module")
def _module_hosts() -> Iterator[dict[str, Launched]]:
    hosts: dict[str, Launched] = {}
    try:
        yield hosts
    finally:
        for launched in hosts.values():
            launched.close()


@pytest.fixture
def shared_launch(_module_hosts: dict[str, Launched], tmp_path_factory: pytest.TempPathFactory) -> Launch:
    """Like ``launch``, but tests of one module that ask for the same endpoint and options share a
    host (starting one costs about half a second of CPU). Each call returns a fresh, empty Stack;
    ``stderr()`` holds what the host wrote for every test that used it. Use it only where
    nothing a test does to the host can change the next test's outcome."""

    def start(endpoint: str | None, **options: Any) -> Launched:
        key = repr((endpoint, sorted((k, repr(v)) for k, v in options.items())))
        if key not in _module_hosts:
            _module_hosts[key] = launch_host(tmp_path_factory.mktemp("shared-host"), endpoint, **options)
        shared = _module_hosts[key]
        return Launched(shared.host, shared.engine, Stack(shared.engine))

    return start


@pytest.fixture
def declare(mocks: Any) -> Callable[..., Goal]:
    """``declare(name, **kwargs)``: the Goal a program declaring ``CognitoPasswordReset(name, **kwargs)``
    registers, taken from the session's Pulumi mocks."""
    return lambda name, **kwargs: declare_goal(mocks, name, **kwargs)
