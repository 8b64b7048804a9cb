"""The ways to reset N users that the benchmark compares, each against the same moto server.

Every runner takes users that exist and can be reset (CONFIRMED, verified email) and returns
what it measured: wall seconds and the CPU seconds of each process involved.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config

from .driver import IN_FLIGHT, HostClient
from .procs import CREDENTIALS, ROOT, Host, Moto, cpu_seconds, rss_bytes

REGION = "us-east-1"
PASSWORD = "Passw0rd!Passw0rd"


def client(moto: Moto) -> Any:
    """A cognito-idp client on the moto server: the retry mode both providers use too."""
    return boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing").client(
        "cognito-idp", region_name=REGION, endpoint_url=moto.url,
        config=Config(retries={"mode": "standard", "total_max_attempts": 10}))


def make_users(admin: Any, pool: str, names: Sequence[str], *, resettable: bool = True) -> list[str]:
    """Create ``names`` in ``pool``, 4 at a time. Resettable users are CONFIRMED with a verified
    email (what AdminResetUserPassword needs); the others only exist (enough for AdminGetUser)."""
    def make(name: str) -> str:
        admin.admin_create_user(UserPoolId=pool, Username=name, MessageAction="SUPPRESS", UserAttributes=[
            {"Name": "email", "Value": f"{name}@example.com"}, {"Name": "email_verified", "Value": "true"}])
        if resettable:
            admin.admin_set_user_password(UserPoolId=pool, Username=name, Password=PASSWORD, Permanent=True)
        return name

    with ThreadPoolExecutor(IN_FLIGHT) as ex:
        return list(ex.map(make, names))


def fresh_users(moto: Moto, n: int, prefix: str = "user") -> tuple[str, list[str]]:
    """Reset moto's state, then make one pool with ``n`` users ready to be reset."""
    moto.reset()
    admin = client(moto)
    pool = admin.create_user_pool(PoolName="bench")["UserPool"]["Id"]
    return pool, make_users(admin, pool, [f"{prefix}{i:05d}" for i in range(n)])


@dataclass
class Run:
    """One path's run: wall time and CPU seconds per process role."""

    path: str
    n: int
    wall_s: float
    cpu_s: dict[str, float] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.n / self.wall_s

    def cpu_ms_per_reset(self, role: str) -> float:
        return 1000 * self.cpu_s[role] / self.n

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "n": self.n, "wall_s": self.wall_s, "resets_per_s": self.per_second,
                **{f"cpu_ms_per_reset_{role}": self.cpu_ms_per_reset(role) for role in self.cpu_s}}


def measured(path: str, n: int, pids: dict[str, int], work: Callable[[], None]) -> Run:
    """Run ``work`` and take the wall time and the CPU time of each named process around it."""
    before = {role: cpu_seconds(pid) for role, pid in pids.items()}
    start = time.perf_counter()
    work()
    wall = time.perf_counter() - start
    return Run(path, n, wall, {role: cpu_seconds(pid) - before[role] for role, pid in pids.items()})


def through_host(path: str, host: Host, driver: HostClient, moto: Moto, pool: str, users: Sequence[str]) -> Run:
    """Paths 1 and 2: Check + Create per user through a provider host, four calls in flight."""
    pids = {"host": host.pid, "caller": os.getpid(), "moto": moto.pid}
    return measured(path, len(users), pids, lambda: driver.reset_all(pool, users))


def interleaved(hosts: Mapping[str, Host], drivers: Mapping[str, HostClient], moto: Moto, pool: str,
                users: Mapping[str, Sequence[str]], chunk: int) -> dict[str, Run]:
    """Paths 1 and 2 taking turns in chunks of ``chunk`` resets (which goes first alternates), so
    both see the same background load: the steadiest figure for their CPU difference."""
    runs = {name: Run(name, 0, 0.0, {"host": 0.0, "caller": 0.0, "moto": 0.0}) for name in hosts}
    names = list(hosts)
    for i, start in enumerate(range(0, len(users[names[0]]), chunk)):
        for name in names if i % 2 == 0 else names[::-1]:
            part = users[name][start:start + chunk]
            one = through_host(name, hosts[name], drivers[name], moto, pool, part)
            total = runs[name]
            total.n += one.n
            total.wall_s += one.wall_s
            for role, cpu in one.cpu_s.items():
                total.cpu_s[role] += cpu
    return runs


def own_code_us(provider: Any, n: int) -> float:
    """Microseconds of Python per reset in a provider's own Check + Create, in this process,
    with the AWS client replaced by a stub that returns at once (no host, no HTTP)."""
    from pulumi.dynamic import Config, ConfigureRequest

    from cognito_password_reset import cognito
    from cognito_password_reset.ratelimit import CONFIG_KEY, READS_CONFIG_KEY

    class Stub:
        def admin_reset_user_password(self, **_: Any) -> dict[str, Any]:
            return {}

        def admin_get_user(self, **_: Any) -> dict[str, Any]:  # a create looks at the status first
            return {"UserStatus": "CONFIRMED"}

    cache = cognito.CLIENTS
    setattr(cache, "get", lambda _target: Stub())  # noqa: B010 - shadows the method on this instance only
    try:
        provider.configure(ConfigureRequest(Config({"aws:endpoints": '[{"cognitoidp": "http://127.0.0.1:1"}]',
                                                    "aws:region": REGION, CONFIG_KEY: "0", READS_CONFIG_KEY: "0"},
                                                   "bench")))
        if hasattr(provider, "_client"):
            provider._client = Stub()
        news = {"user_pool_id": "us-east-1_AbCdEf123", "username": "user00001", "reset_on_create": True,
                "__provider": "x" * 600}
        best = float("inf")
        for _ in range(5):  # the best of five: what the code costs when nothing else competes for the CPU
            start = time.perf_counter()
            for _ in range(n):
                provider.create(provider.check({}, dict(news)).inputs)
            best = min(best, time.perf_counter() - start)
        return 1e6 * best / n
    finally:
        delattr(cache, "get")  # the class's method again


def boto3_loop(moto: Moto, pool: str, users: Sequence[str]) -> Run:
    """Path 3: a plain boto3 script: one reused client, four threads."""
    c = client(moto)
    c.describe_user_pool(UserPoolId=pool)  # the first call loads the endpoint and credential machinery

    def work() -> None:
        with ThreadPoolExecutor(IN_FLIGHT) as ex:
            for _ in ex.map(lambda u: c.admin_reset_user_password(UserPoolId=pool, Username=u), users):
                pass

    return measured("boto3", len(users), {"caller": os.getpid(), "moto": moto.pid}, work)


def find_aws_cli() -> tuple[str | None, str]:
    """The AWS CLI: bench/.venv's (``make bench`` installs it), else one on the PATH."""
    local = ROOT / "bench" / ".venv" / "bin" / "aws"
    if local.exists():
        return str(local), "bench/.venv"
    found = shutil.which("aws")
    if found:
        return found, "PATH"
    return None, "no `aws` in bench/.venv or on the PATH: run `make bench`, which installs bench/requirements.txt"


def cli_per_reset(aws: str, moto: Moto, pool: str, users: Sequence[str], shell: bool) -> list[float]:
    """Path 4: one AWS CLI process per reset, run directly or through ``sh -c`` (what a
    ``command.local.Command`` per user does); wall seconds of each, serially."""
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("AWS_")}, **CREDENTIALS, "AWS_PAGER": ""}
    times = []
    for user in users:
        argv = [aws, "cognito-idp", "admin-reset-user-password", "--user-pool-id", pool, "--username", user,
                "--endpoint-url", moto.url, "--region", REGION]
        cmd = ["/bin/sh", "-c", shlex.join(argv)] if shell else argv
        start = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
    return times


def host_memory(host: Host, driver: HostClient, pool: str, users: Sequence[str], total: int,
                every: int) -> list[tuple[int, int]]:
    """Path 6: (resets done, host RSS bytes) every ``every`` resets up to ``total``."""
    samples = [(0, rss_bytes(host.pid))]
    done = 0
    while done < total:
        batch = [users[(done + i) % len(users)] for i in range(every)]
        driver.reset_all(pool, batch)
        done += every
        samples.append((done, rss_bytes(host.pid)))
    return samples


def register(kind: str, n: int) -> dict[str, Any]:
    """Path 5: register ``n`` resources of ``kind`` under mocks in a fresh process."""
    out = subprocess.run([sys.executable, "-m", "bench.register", kind, str(n)], cwd=ROOT, check=True,
                         capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))

