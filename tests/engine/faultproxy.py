"""A fault-injecting HTTP proxy for AWS JSON APIs, on 127.0.0.1, in front of moto server.

Point the provider's endpoint (``aws:endpoints`` cognitoidp) at ``proxy.url``; each request is
shown to a *policy* that decides whether it is forwarded to the upstream or answered with a
fault. Every request is recorded (operation, body, fault) so a test can prove what reached AWS
and what did not. STS requests (query protocol) are named by their ``Action`` too, so an
``aws:endpoints`` sts entry pointing here records the provider's AssumeRole calls.

A policy is any callable ``(Request) -> Fault | Reply | None``; it is called from the proxy's handler
threads, so it must be thread-safe (the ones here are). Ready-made policies:

- ``never()``: forward everything (the default).
- ``always(fault)``: fault every matching request.
- ``fraction(fault, share, seed=...)``: fault a seeded pseudo-random share of matching requests.
- ``quota(rate, burst=...)``: a token bucket, like a service quota of ``rate`` requests per
  second: a request that finds the bucket empty is throttled (issue 7 uses it to emulate
  Cognito's 30 requests/s for AdminResetUserPassword).

``operations=`` narrows any of them to some API operations (``X-Amz-Target``'s action name).
Swap ``proxy.policy`` at any time; the next request sees the new one.

Faults: ``THROTTLE`` answers HTTP 400 with Cognito's ``TooManyRequestsException`` body,
``SERVER_ERROR`` HTTP 500 ``InternalErrorException``, and ``DROP`` closes the connection without
an answer. A policy may also return a ``Reply`` (any status and JSON body), e.g. an error real
Cognito gives and moto cannot. A faulted request never reaches the upstream.

    with FaultProxy(upstream="http://127.0.0.1:5000", policy=fraction(Fault.THROTTLE, 0.3)) as proxy:
        ...  # endpoint = proxy.url; afterwards proxy.requests / proxy.forwarded("AdminResetUserPassword")
"""

from __future__ import annotations

import enum
import http.client
import json
import random
import threading
import time
import urllib.parse
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

THROTTLE_BODY = {"__type": "TooManyRequestsException", "message": "Rate exceeded"}
SERVER_ERROR_BODY = {"__type": "InternalErrorException", "message": "Internal server error (injected)"}


class Fault(enum.Enum):
    THROTTLE = "throttle"
    """HTTP 400, ``{"__type": "TooManyRequestsException", "message": "Rate exceeded"}``."""
    SERVER_ERROR = "server_error"
    """HTTP 500, ``InternalErrorException``."""
    DROP = "drop"
    """The connection is closed without any answer."""


@dataclass(frozen=True)
class Reply:
    """A made-up answer: ``status`` and a JSON ``body`` such as ``{"__type": "...", "message": "..."}``."""

    status: int
    body: dict[str, str]


@dataclass(frozen=True)
class Request:
    """One request the proxy received. ``operation`` is e.g. ``AdminResetUserPassword``."""

    operation: str
    body: bytes
    fault: Fault | Reply | None
    at: float
    """time.monotonic() when it arrived."""
    headers: dict[str, str] = field(default_factory=dict, repr=False)

    def json(self) -> Any:
        return json.loads(self.body or b"{}")

    def form(self) -> dict[str, str]:
        """The parameters of a query-protocol request (STS: ``Action=AssumeRole&RoleArn=...``)."""
        return dict(urllib.parse.parse_qsl(self.body.decode()))


Policy = Callable[[Request], "Fault | Reply | None"]
"""Decides per request: a Fault or Reply to answer with, or None to forward. ``Request.fault`` is
None in the request a policy sees."""


def _matches(operations: Collection[str] | None, request: Request) -> bool:
    return operations is None or request.operation in operations


def never() -> Policy:
    """Forward every request."""
    return lambda _request: None


def always(fault: Fault | Reply, *, operations: Collection[str] | None = None) -> Policy:
    """Inject ``fault`` into every (matching) request."""
    return lambda request: fault if _matches(operations, request) else None


def fraction(fault: Fault, share: float, *, seed: int = 4, operations: Collection[str] | None = None) -> Policy:
    """Inject ``fault`` into a pseudo-random ``share`` (0..1) of matching requests, reproducibly."""
    rng, lock = random.Random(seed), threading.Lock()

    def decide(request: Request) -> Fault | Reply | None:
        if not _matches(operations, request):
            return None
        with lock:
            return fault if rng.random() < share else None

    return decide


def quota(rate: float, *, burst: float | None = None, operations: Collection[str] | None = None,
          clock: Callable[[], float] = time.monotonic) -> Policy:
    """A token bucket: ``rate`` tokens a second, holding at most ``burst`` (default: ``rate``).

    A matching request takes a token or, if none is left, is throttled, as a service quota does.
    """
    capacity = float(burst if burst is not None else rate)
    state = {"tokens": capacity, "at": clock()}
    lock = threading.Lock()

    def decide(request: Request) -> Fault | None:
        if not _matches(operations, request):
            return None
        with lock:
            now = clock()
            state["tokens"] = min(capacity, state["tokens"] + (now - state["at"]) * rate)
            state["at"] = now
            if state["tokens"] >= 1.0 - 1e-9:  # clock differences are not exact in floating point
                state["tokens"] -= 1.0
                return None
            return Fault.THROTTLE

    return decide


class FaultProxy:
    """The proxy server: a thread in the test process, listening on 127.0.0.1 (port chosen by the OS).

    Use as a context manager, or call ``start()`` and ``stop()``. Thread-safe records:
    ``requests`` (everything received), ``forwarded(op)`` and ``faulted(op)`` (lists), and
    ``max_in_flight`` (the most requests it was handling at once).
    """

    def __init__(self, upstream: str, policy: Policy | None = None) -> None:
        parsed = urllib.parse.urlsplit(upstream)
        self.upstream_host, self.upstream_port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self.policy: Policy = policy or never()
        self._lock = threading.Lock()
        self._requests: list[Request] = []
        self._in_flight = 0
        self.max_in_flight = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def requests(self) -> list[Request]:
        with self._lock:
            return list(self._requests)

    def forwarded(self, operation: str | None = None) -> list[Request]:
        return [r for r in self.requests if r.fault is None and operation in (None, r.operation)]

    def faulted(self, operation: str | None = None) -> list[Request]:
        return [r for r in self.requests if r.fault is not None and operation in (None, r.operation)]

    def clear(self) -> None:
        """Forget the recorded requests (and the in-flight high-water mark)."""
        with self._lock:
            self._requests.clear()
            self.max_in_flight = self._in_flight

    def start(self) -> FaultProxy:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fault-proxy", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket. Idempotent."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # Called by the handler threads. A request is recorded and counted in flight when it arrives,
    # and leaves the count just before its answer goes out: by the time a client has its answer
    # (and could send the next request, or a test could look), the records are complete.
    def _arrived(self, request: Request) -> None:
        with self._lock:
            self._requests.append(request)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def _answering(self) -> None:
        with self._lock:
            self._in_flight -= 1


def _handler_for(proxy: FaultProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # bodies may carry client metadata: never log requests

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen = Request(_operation(self.headers.get("X-Amz-Target", ""), body), body, None, time.monotonic(),
                           dict(self.headers.items()))
            fault = proxy.policy(seen)
            proxy._arrived(replace(seen, fault=fault))
            try:
                if fault is Fault.DROP:
                    self.close_connection = True
                    return
                if fault is Fault.THROTTLE:
                    status, headers, data = _json(400, THROTTLE_BODY)
                elif fault is Fault.SERVER_ERROR:
                    status, headers, data = _json(500, SERVER_ERROR_BODY)
                elif isinstance(fault, Reply):
                    status, headers, data = _json(fault.status, fault.body)
                else:
                    status, headers, data = self._fetch(body)
            finally:
                proxy._answering()
            self.send_response(status)
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST

        def _fetch(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
            upstream = http.client.HTTPConnection(proxy.upstream_host, proxy.upstream_port, timeout=30)
            try:
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                upstream.request(self.command, self.path, body=body, headers=headers)
                response = upstream.getresponse()
                data = response.read()
            finally:
                upstream.close()
            kept = [(k, v) for k, v in response.getheaders()
                    if k.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date")]
            return response.status, kept, data

    return Handler


def _operation(target: str, body: bytes) -> str:
    # JSON services (Cognito) name the operation in X-Amz-Target; query services (STS) in the body.
    if target:
        return target.rsplit(".", 1)[-1]
    return dict(urllib.parse.parse_qsl(body.decode(errors="replace"))).get("Action", "")


def _json(status: int, payload: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
    return status, [("Content-Type", "application/x-amz-json-1.1")], json.dumps(payload).encode()
