"""make up / preview / destroy / down (scripts/local.py).

Without the Pulumi CLI: the real path users meet first, through make. With it: a stand-in
``pulumi`` (tests/local/fake_pulumi.py) records what the script asks of the CLI, while the
script starts, reuses and stops a real moto server on 127.0.0.1.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from testbed.processes import accepts_connections, free_port, poll

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "local.py"
INSTALL_URL = "https://www.pulumi.com/docs/install/"


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A stopped child of nobody we know may linger as a zombie: ps says so.
    state = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True).stdout.strip()
    return bool(state) and not state.startswith("Z")


def path_without_pulumi(shims: Path) -> str:
    """PATH minus every folder holding a ``pulumi``, plus links to the tools such a folder may
    also hold (make, python3, ps), so the test means the same on a machine that has the CLI."""
    kept = [d for d in os.environ.get("PATH", "").split(os.pathsep) if d and not (Path(d) / "pulumi").exists()]
    shims.mkdir(exist_ok=True)
    for tool in ("make", "python3", "ps"):
        found = shutil.which(tool)
        if found and not shutil.which(tool, path=os.pathsep.join(kept)):
            (shims / tool).symlink_to(found)
    return os.pathsep.join([str(shims), *kept])


@pytest.mark.parametrize("goal", ["up", "preview", "destroy", "down"])
def test_without_the_cli_make_says_how_to_install_it_within_a_second(goal: str, tmp_path: Path) -> None:
    port = free_port()
    state = tmp_path / "state"
    env = {**os.environ, "PATH": path_without_pulumi(tmp_path / "shims"), "LOCAL_STATE_DIR": str(state),
           "MOTO_PORT": str(port)}
    assert shutil.which("pulumi", path=env["PATH"]) is None

    started = time.monotonic()
    result = subprocess.run(["make", "--no-print-directory", goal], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=30)
    elapsed = time.monotonic() - started

    output = (result.stdout + result.stderr).strip()
    assert result.returncode != 0
    assert len(output.splitlines()) == 1, output
    assert "The Pulumi CLI is not installed" in output and INSTALL_URL in output and f"make {goal}" in output
    assert elapsed < 1.0
    assert not state.exists()  # no PID file, no backend: nothing was started
    assert not accepts_connections(port)


def test_the_script_alone_exits_127_with_the_same_line(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": path_without_pulumi(tmp_path / "shims"), "LOCAL_STATE_DIR": str(tmp_path / "state")}
    started = time.monotonic()
    # -S: no site-packages, as before .venv exists: the script and local_stack/ need only the standard library.
    result = subprocess.run([sys.executable, "-S", str(SCRIPT), "up"], env=env, capture_output=True, text=True,
                            timeout=30)

    assert time.monotonic() - started < 1.0
    assert result.returncode == 127
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and INSTALL_URL in result.stderr
    assert not (tmp_path / "state").exists()
    # make checks first, without starting Python; it says the very same sentence.
    through_make = subprocess.run(["make", "--no-print-directory", "up"], cwd=ROOT, env=env, capture_output=True,
                                  text=True, timeout=30)
    assert result.stderr.strip() in through_make.stderr


def test_without_the_cli_the_script_imports_none_of_what_later_steps_need(tmp_path: Path) -> None:
    # local_stack imports subprocess, urllib.request, json, socket and secrets inside the steps that
    # use them, so that the answer without a CLI comes at once (scripts/local_stack/__init__.py).
    env = {**os.environ, "PATH": path_without_pulumi(tmp_path / "shims"), "LOCAL_STATE_DIR": str(tmp_path / "state")}
    result = subprocess.run([sys.executable, "-X", "importtime", "-S", str(SCRIPT), "up"], env=env,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 127
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()
                if line.startswith("import time:")}
    assert "local_stack.pulumi_cli" in imported  # the measurement sees the script's own modules
    assert imported & {"subprocess", "urllib.request", "json", "socket", "secrets"} == set()


class Local:
    """The script run with a stand-in pulumi first on PATH, in a private state folder."""

    def __init__(self, tmp: Path, stack: str) -> None:
        self.state = tmp / "state"
        self.fake = tmp / "fake"
        self.port = free_port()
        self.stack = stack
        bin_dir = tmp / "bin"
        bin_dir.mkdir(parents=True)
        stub = bin_dir / "pulumi"
        stub.write_text(f"#!{sys.executable}\n" + (Path(__file__).parent / "fake_pulumi.py").read_text())
        stub.chmod(stub.stat().st_mode | stat.S_IXUSR)
        self.env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "STACK": stack,
                    "LOCAL_STATE_DIR": str(self.state), "MOTO_PORT": str(self.port), "FAKE_PULUMI_DIR": str(self.fake),
                    "AWS_PROFILE": "must-not-leak"}
        self.started: set[int] = set()
        self.env.pop("PULUMI_CONFIG_PASSPHRASE", None)
        self.env.pop("PULUMI_CONFIG_PASSPHRASE_FILE", None)
        self.env.pop("PULUMI_BACKEND_URL", None)

    def run(self, action: str) -> subprocess.CompletedProcess[str]:
        try:
            # -S: the script's own imports see no site-packages (it only starts moto from .venv).
            return subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-S", str(SCRIPT), action], cwd=ROOT,
                                  env=self.env, capture_output=True, text=True, timeout=90)
        finally:
            pid = self.pid()
            if pid is not None:
                self.started.add(pid)  # stopped by the fixture even if a later run loses the PID file

    def calls(self) -> list[dict[str, Any]]:
        path = self.fake / "calls.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def config(self) -> dict[str, str]:
        return json.loads((self.fake / "config.json").read_text())  # type: ignore[no-any-return]

    def pid(self) -> int | None:
        path = self.state / "moto.pid"
        return int(path.read_text()) if path.exists() else None


@pytest.fixture
def local(tmp_path: Path) -> Iterator[Callable[[str], Local]]:
    made: list[Local] = []

    def make(stack: str) -> Local:
        made.append(Local(tmp_path / stack, stack))
        return made[-1]

    yield make
    # Whatever happened, stop every emulator a test started, by its PID.
    for m in made:
        for pid in m.started:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_make_up_twice_reuses_the_emulator_and_rewrites_nothing_new_then_down_stops_it(
        local: Callable[[str], Local]) -> None:
    run = local("pytest-local")

    first = run.run("up")
    assert first.returncode == 0, first.stderr
    pid = run.pid()
    assert pid is not None and alive(pid)
    endpoint = f"http://127.0.0.1:{run.port}"
    with urllib.request.urlopen(f"{endpoint}/moto-api/config", timeout=5) as response:
        assert response.status in (200, 201)
    # The stack's role attaches an AWS managed policy; the emulator must know it.
    iam = boto3.client("iam", region_name="us-east-1", endpoint_url=endpoint)
    iam.create_role(RoleName="probe", AssumeRolePolicyDocument="{}")
    iam.attach_role_policy(RoleName="probe",
                           PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
    calls = run.calls()
    argvs = [c["argv"] for c in calls]
    assert argvs[0] == ["stack", "select", "--create", "pytest-local"]
    assert argvs[-1] == ["up", "--yes", "--refresh", "--stack", "pytest-local"]
    assert calls[-1]["emulator_answered"] is True
    config = run.config()
    assert {k: v for k, v in config.items() if k.startswith("aws:endpoints")} == {
        f"aws:endpoints[0].{service}": endpoint for service in ("cognitoidp", "iam", "lambda", "sts")}
    assert config["aws:region"] == "us-east-1"
    for flag in ("skipCredentialsValidation", "skipRequestingAccountId", "skipMetadataApiCheck"):
        assert config[f"aws:{flag}"] == "true"
    assert config["aws:accessKey"] == config["aws:secretKey"] == "test"
    assert config["testAccounts[0].username"] == "qa-alice"
    assert config["testAccounts[1].email"] == "qa-bob@example.com"
    password = config["testAccountPassword"]
    assert len(password) >= 16
    assert ["config", "set", "--secret", "--stack", "pytest-local", "testAccountPassword"] in argvs
    assert password not in json.dumps(argvs)  # passed on stdin: no other user's ps shows it
    assert password not in first.stdout + first.stderr  # and never echoed
    # The "existing" pool: made in the emulator before pulumi up, with two CONFIRMED users
    # with verified emails, and named by the stack config (the stack only resets them there).
    idp = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=endpoint)
    existing = existing_pools(idp)
    assert len(existing) == 1
    assert config["existingPools[0].userPoolId"] == existing[0]
    assert [config["existingPools[0].users[0]"], config["existingPools[0].users[1]"]] == ["erin", "frank"]
    assert config["existingPools[0].allowCustomMessageInvoke"] == "true"
    for username in ("erin", "frank", "grace"):
        user = idp.admin_get_user(UserPoolId=existing[0], Username=username)
        assert user["UserStatus"] == "CONFIRMED"
        assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]
    # Its group, selected by the config besides the listed users: grace is in it only, frank both.
    assert config["existingPools[0].group"] == "contractors"
    assert group_members(idp, existing[0]) == ["frank", "grace"]
    # A run reset erin since (what pulumi up would do): the next make up leaves her as she is.
    idp.admin_reset_user_password(UserPoolId=existing[0], Username="erin")
    backend = f"file://{run.state / 'pulumi'}"
    for call in calls:
        assert call["env"]["PULUMI_BACKEND_URL"] == backend
        assert call["env"]["PULUMI_CONFIG_PASSPHRASE"]
        assert call["env"]["AWS_PROFILE"] is None

    second = run.run("up")
    assert second.returncode == 0, second.stderr
    assert run.pid() == pid and alive(pid)  # the same emulator, with the first run's resources
    assert "already running" in second.stdout
    assert run.config() == config  # same values: no config change, so no provider change
    assert existing_pools(idp) == existing  # found by name, not made again
    assert group_members(idp, existing[0]) == ["frank", "grace"]  # the group found too
    assert idp.admin_get_user(UserPoolId=existing[0], Username="erin")["UserStatus"] == "RESET_REQUIRED"
    again = [c["argv"] for c in run.calls()[len(calls):]]
    assert not any(a[:3] == ["config", "set", "--secret"] for a in again)  # the password is kept
    assert not any(arg.startswith("testAccounts[") for a in again for arg in a)  # accounts are not re-seeded
    assert again[-1] == ["up", "--yes", "--refresh", "--stack", "pytest-local"]

    down = run.run("down")
    assert down.returncode == 0, down.stderr
    assert run.calls()[-1]["argv"] == ["destroy", "--yes", "--refresh", "--stack", "pytest-local"]
    assert run.calls()[-1]["emulator_answered"] is True  # destroyed while the emulator still ran
    poll(lambda: None if alive(pid) else True, timeout=10, what="the emulator's exit")
    assert run.pid() is None and not accepts_connections(run.port)


def group_members(idp: Any, pool_id: str) -> list[str]:
    return sorted(u["Username"] for u in idp.list_users_in_group(UserPoolId=pool_id, GroupName="contractors")["Users"])


def existing_pools(idp: Any) -> list[str]:
    """Ids of the emulator's pools named as the script names its "existing" pool."""
    pools = idp.list_user_pools(MaxResults=60)["UserPools"]
    return [p["Id"] for p in pools if p["Name"] == "cognito-password-reset-existing"]


def test_preview_shows_the_diff_against_a_refreshed_state(local: Callable[[str], Local]) -> None:
    run = local("pytest-preview")
    result = run.run("preview")
    assert result.returncode == 0, result.stderr
    assert run.calls()[-1]["argv"] == ["preview", "--refresh", "--diff", "--stack", "pytest-preview"]
    assert run.calls()[-1]["emulator_answered"] is True
    assert run.run("down").returncode == 0


def test_down_without_a_stack_only_stops_what_is_running(local: Callable[[str], Local]) -> None:
    run = local("pytest-nothing")
    result = run.run("down")
    assert result.returncode == 0, result.stderr
    assert [c["argv"][:2] for c in run.calls()] == [["stack", "select"]]  # no destroy, no stack created
    assert run.pid() is None and not accepts_connections(run.port)


def test_a_port_taken_by_someone_else_is_named(local: Callable[[str], Local]) -> None:
    run = local("pytest-busy")
    with socket.socket() as other:
        other.bind(("127.0.0.1", run.port))
        other.listen()
        result = run.run("up")
    assert result.returncode == 1
    assert f"port {run.port} on 127.0.0.1 is in use" in result.stderr and "MOTO_PORT" in result.stderr
    assert run.calls() == [] and run.pid() is None


def test_a_stack_configured_for_aws_gets_no_emulator(local: Callable[[str], Local]) -> None:
    stack = f"pytest-aws-{os.getpid()}"
    stack_file = ROOT / f"Pulumi.{stack}.yaml"
    stack_file.write_text("config:\n  aws:region: eu-west-1\n  aws:profile: platform\n")
    try:
        run = local(stack)
        run.env["PULUMI_CONFIG_PASSPHRASE"] = "the-team-one"
        result = run.run("up")
    finally:
        stack_file.unlink()
    assert result.returncode == 0, result.stderr
    argvs = [c["argv"] for c in run.calls()]
    assert argvs == [["stack", "select", "--create", stack], ["up", "--yes", "--refresh", "--stack", stack]]
    assert run.pid() is None and not accepts_connections(run.port)
    assert run.calls()[-1]["env"]["AWS_PROFILE"] == "must-not-leak"  # a real target keeps the user's profile
    assert run.calls()[-1]["env"]["PULUMI_CONFIG_PASSPHRASE"] == "the-team-one"
    assert run.calls()[-1]["env"]["PULUMI_BACKEND_URL"] is None  # the user's own login decides


@pytest.mark.parametrize(("content", "local_expected"), [
    (None, True),  # a new stack: make up sets it up for the emulator
    ("config:\n  aws:endpoints:\n    - cognitoidp: http://127.0.0.1:5055\n      iam: http://127.0.0.1:5055\n", True),
    ("config:\n  aws:region: eu-west-1\n", False),
    ("config:\n  aws:endpoints:\n    - cognitoidp: https://cognito-idp.eu-west-1.amazonaws.com\n", False),
])
def test_which_stacks_count_as_local(content: str | None, local_expected: bool,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(SCRIPT.parent))  # as running scripts/local.py does
    settings = importlib.import_module("local_stack.settings")
    stack = f"pytest-kind-{os.getpid()}"
    monkeypatch.setenv("STACK", stack)
    stack_file = ROOT / f"Pulumi.{stack}.yaml"
    if content is not None:
        stack_file.write_text(content)
    try:
        assert settings.Settings.from_env().is_local() is local_expected
    finally:
        stack_file.unlink(missing_ok=True)
