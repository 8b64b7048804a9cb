#!/usr/bin/env python3
"""``make up`` / ``preview`` / ``destroy`` / ``down``: the stack against a local AWS emulator.

Standard library only, so it runs with any python3 (3.10+), before ``.venv`` exists.

A stack is *local* when its ``Pulumi.<stack>.yaml`` does not exist yet or its ``aws:endpoints``
point at 127.0.0.1. For a local stack the script

- starts moto server on 127.0.0.1 (``.venv/bin/python -m moto.server``), or reuses the one it
  started before (its PID is in ``.state/moto.pid``);
- keeps Pulumi's state in a file backend inside the repo (``.state/pulumi``, git-ignored) and
  sets ``PULUMI_CONFIG_PASSPHRASE`` (a fixed one for the emulator's throw-away secrets) unless
  one is set already;
- creates an "existing" user pool with three users and a group directly in the emulator (once:
  it is found by name the next time), standing for a pool made elsewhere;
- selects or creates the stack and writes the config that points pulumi-aws and the
  CognitoPasswordReset provider at the emulator (the same ``aws:endpoints`` serve both),
  names that existing pool, two of its users and its group (``existingPools``: the group's
  members are read at each run and adopted without a reset), plus two sample test accounts and
  their initial password the first time;
- runs ``pulumi up --yes --refresh`` (or preview / destroy), and for ``down`` stops the
  emulator it started, by PID.

Any other stack is a real AWS target (see docs/operations.md): no emulator, the stack's own config,
and the user's own backend (``pulumi login`` or ``PULUMI_BACKEND_URL``) and passphrase.

Every step that writes is idempotent, so ``make up`` twice in a row changes nothing the
second time: the emulator is reused, the existing pool and its users are found, not made
again, config is rewritten with the same values, the password and sample accounts are written
only when absent, and ``--refresh`` finds what the first run left.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

# Everything else is imported where it is used: without the CLI the script must answer at once,
# and half its start-up time was imports only the later steps need.
if TYPE_CHECKING:
    import subprocess

ROOT = Path(__file__).resolve().parents[1]
INSTALL_URL = "https://www.pulumi.com/docs/install/"
ACTIONS = ("up", "preview", "destroy", "down")

DEFAULT_STACK = "local"
DEFAULT_PORT = 5055  # not 5000: macOS's AirPlay receiver listens there
REGION = "us-east-1"
LOCAL_PASSPHRASE = "local-emulator-only"
"""Encrypts only the local stack's secrets (the sample accounts' password in a throw-away
emulator); a real stack brings its own passphrase or secrets provider."""
EMULATED_SERVICES = ("cognitoidp", "iam", "lambda", "sts")
SAMPLE_ACCOUNTS = ("qa-alice", "qa-bob")
EXISTING_POOL_NAME = "cognito-password-reset-existing"
"""The pool the script makes in the emulator, standing for one another team made (found by this name)."""
EXISTING_POOL_USERS = ("erin", "frank")
"""Listed by name in the stack config: reset when first declared."""
EXISTING_POOL_GROUP = "contractors"
EXISTING_POOL_MEMBERS = ("frank", "grace")
"""The group's members, selected by the stack config's ``group``: grace is adopted without a reset;
frank, listed too, is one resource that keeps what listing gives."""
START_TIMEOUT = 30.0
LOCAL_ENDPOINT = re.compile(r"https?://127\.0\.0\.1:\d+")


class Failure(Exception):
    """A step failed; the message is the one line the user sees."""

    exit_code = 1


class CliMissing(Failure):
    exit_code = 127  # the shell's "command not found"


class Settings:
    """Where things live; each can be overridden from the environment (tests use that)."""

    def __init__(self, stack: str, state_dir: Path, port: int, python: Path) -> None:
        self.stack, self.state_dir, self.port, self.python = stack, state_dir, port, python

    @classmethod
    def from_env(cls) -> Settings:
        port = os.environ.get("MOTO_PORT", str(DEFAULT_PORT))
        if not port.isdigit():
            raise Failure(f"MOTO_PORT must be a port number, such as {DEFAULT_PORT}")
        return cls(
            stack=os.environ.get("STACK") or DEFAULT_STACK,
            state_dir=Path(os.environ.get("LOCAL_STATE_DIR") or ROOT / ".state").resolve(),
            port=int(port),
            python=ROOT / ".venv" / "bin" / "python",
        )

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.state_dir / "moto.pid"

    @property
    def log_file(self) -> Path:
        return self.state_dir / "moto.log"

    @property
    def backend_url(self) -> str:
        return f"file://{self.state_dir / 'pulumi'}"

    @property
    def stack_file(self) -> Path:
        return ROOT / f"Pulumi.{self.stack}.yaml"

    def is_local(self) -> bool:
        """New stacks and stacks whose endpoints point at 127.0.0.1 are local."""
        if not self.stack_file.exists():
            return True
        return bool(LOCAL_ENDPOINT.search(self.stack_file.read_text(encoding="utf-8")))


def require_cli(action: str) -> str:
    """The path of the ``pulumi`` executable, or a Failure saying how to install it."""
    found = shutil.which("pulumi")
    if found is None:
        raise CliMissing(f"The Pulumi CLI is not installed (no `pulumi` on PATH); install it from "
                         f"{INSTALL_URL}, then run make {action} again")
    return found


# --- the emulator ---------------------------------------------------------------------------

def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_moto(pid: int) -> bool:
    import subprocess

    # The PID file may be stale and the PID reused: only a moto server is ours to stop.
    result = subprocess.run(["ps", "-o", "command=", "-p", str(pid)], capture_output=True, text=True, check=False)
    return "moto.server" in result.stdout


def _our_pid(s: Settings) -> int | None:
    try:
        pid = int(s.pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if _alive(pid) and _is_moto(pid) else None


def _answers(s: Settings) -> bool:
    import urllib.error
    import urllib.request

    # /moto-api/config is small and cheap; data.json dumps every object (slow once the managed
    # policies are loaded).
    try:
        with urllib.request.urlopen(f"{s.endpoint}/moto-api/config", timeout=5) as response:
            return response.status in (200, 201)
    except (urllib.error.URLError, OSError):
        return False


def _wait_until_answers(s: Settings, process: subprocess.Popen[bytes] | None, timeout: float) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while not _answers(s):
        if (process is not None and process.poll() is not None) or time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _port_taken(port: int) -> bool:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def emulator_env() -> dict[str, str]:
    """moto's environment: the function's role attaches AWSLambdaBasicExecutionRole, an AWS
    managed policy moto only knows when told to load them. Without the user's AWS profile:
    moto uses botocore inside, which fails every request if that profile is not on this
    machine's files (and nothing of a real account belongs in the emulator)."""
    env = {**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        env.pop(name, None)
    return env


def ensure_emulator(s: Settings) -> None:
    """Reuse the moto server this script started, or start one and wait until it answers."""
    import subprocess

    if _our_pid(s) is not None:
        if _wait_until_answers(s, None, START_TIMEOUT):
            print(f"Using the AWS emulator (moto) already running at {s.endpoint}.", flush=True)
            return
        stop_emulator(s)  # ours, but not answering: start a fresh one
    s.pid_file.unlink(missing_ok=True)
    if _port_taken(s.port):
        raise Failure(f"port {s.port} on 127.0.0.1 is in use by a process this script did not start; "
                      f"stop it or choose another port with MOTO_PORT=<port>")
    if not s.python.exists():
        raise Failure(f"{s.python} is missing; run make venv first")
    s.state_dir.mkdir(parents=True, exist_ok=True)
    with s.log_file.open("ab") as log:
        # A session of its own: Ctrl-C in the terminal stops pulumi, not the emulator; make down does.
        process = subprocess.Popen([str(s.python), "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s.port)],
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   cwd=s.state_dir, start_new_session=True, env=emulator_env())
    s.pid_file.write_text(f"{process.pid}\n")
    if not _wait_until_answers(s, process, START_TIMEOUT):
        if process.poll() is not None:
            s.pid_file.unlink(missing_ok=True)
            raise Failure(f"the AWS emulator (moto) exited with code {process.returncode} while starting; "
                          f"see {s.log_file}")
        stop_emulator(s)
        raise Failure(f"the AWS emulator (moto) did not answer on {s.endpoint} within {START_TIMEOUT:.0f} s; "
                      f"see {s.log_file}")
    print(f"Started the AWS emulator (moto) at {s.endpoint}, PID {process.pid} (log: {s.log_file}).", flush=True)


def stop_emulator(s: Settings) -> None:
    """Stop the moto server this script started (by the PID in its PID file), if it runs."""
    import signal
    import time

    pid = _our_pid(s)
    s.pid_file.unlink(missing_ok=True)
    if pid is None:
        print("No AWS emulator started by make up is running.", flush=True)
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        _reap(pid)
        time.sleep(0.05)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)
    print(f"Stopped the AWS emulator (moto), PID {pid}.", flush=True)


def _reap(pid: int) -> None:
    import contextlib

    # Only a child of this process (started in this same run) leaves a zombie to collect.
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


# --- the "existing" pool --------------------------------------------------------------------

class EmulatorError(Failure):
    """The emulator answered a Cognito call with an error (``code`` is its exception name)."""

    def __init__(self, operation: str, code: str, message: str) -> None:
        super().__init__(f"the AWS emulator refused {operation}: {code} {message}".strip())
        self.code = code


def cognito(s: Settings, operation: str, payload: dict[str, object]) -> dict[str, object]:
    """One Cognito API call to the emulator over plain HTTP (standard library only, no boto3)."""
    import json
    import urllib.error
    import urllib.request

    request = urllib.request.Request(f"{s.endpoint}/", data=json.dumps(payload).encode(), method="POST", headers={
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}",
        # moto reads the service and region from the credential scope and checks no signature.
        "Authorization": f"AWS4-HMAC-SHA256 Credential=test/20260101/{REGION}/cognito-idp/aws4_request, "
                         f"SignedHeaders=host, Signature=0",
    })
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            answer: dict[str, object] = json.loads(response.read() or b"{}")
            return answer
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            body = json.loads(raw or b"{}")
        except ValueError:  # not Cognito's JSON error: say what came back
            body = {"__type": f"HTTP {error.code}", "message": raw[:200].decode(errors="replace")}
        raise EmulatorError(operation, str(body.get("__type", error.code)).split("#")[-1],
                            str(body.get("message", ""))) from None


def ensure_existing_pool(s: Settings) -> str:
    """The id of the emulator's "existing" pool with its users and group, made only if missing."""
    import secrets

    pool_id = None
    token: object = None
    while pool_id is None:
        page = cognito(s, "ListUserPools", {"MaxResults": 60, **({"NextToken": token} if token else {})})
        pools = page.get("UserPools")
        found = [p["Id"] for p in pools if p.get("Name") == EXISTING_POOL_NAME] if isinstance(pools, list) else []
        if found:
            pool_id = str(found[0])
        elif not (token := page.get("NextToken")):
            created = cognito(s, "CreateUserPool", {"PoolName": EXISTING_POOL_NAME,
                                                   "AutoVerifiedAttributes": ["email"]})["UserPool"]
            pool_id = str(created["Id"])  # type: ignore[index]
    for username in dict.fromkeys(EXISTING_POOL_USERS + EXISTING_POOL_MEMBERS):
        try:
            cognito(s, "AdminGetUser", {"UserPoolId": pool_id, "Username": username})
            continue  # there already (perhaps RESET_REQUIRED by the last run): left as it is
        except EmulatorError as error:
            if error.code != "UserNotFoundException":
                raise
        cognito(s, "AdminCreateUser", {
            "UserPoolId": pool_id, "Username": username, "MessageAction": "SUPPRESS",
            "UserAttributes": [{"Name": "email", "Value": f"{username}@example.com"},
                               {"Name": "email_verified", "Value": "true"}]})
        # CONFIRMED, so it can be reset; nobody signs in with this password, so it is not kept.
        cognito(s, "AdminSetUserPassword", {"UserPoolId": pool_id, "Username": username, "Permanent": True,
                                            "Password": f"Existing-{secrets.token_urlsafe(12)}-9a"})
    try:
        cognito(s, "CreateGroup", {"UserPoolId": pool_id, "GroupName": EXISTING_POOL_GROUP})
    except EmulatorError as error:
        if error.code != "GroupExistsException":
            raise
    for username in EXISTING_POOL_MEMBERS:  # adding a member twice changes nothing
        cognito(s, "AdminAddUserToGroup", {"UserPoolId": pool_id, "Username": username,
                                           "GroupName": EXISTING_POOL_GROUP})
    return pool_id


# --- the Pulumi CLI -------------------------------------------------------------------------

class Pulumi:
    """Runs the CLI in the project folder with the stack and environment chosen for it."""

    def __init__(self, executable: str, s: Settings, *, local: bool) -> None:
        self.executable, self.settings = executable, s
        env = dict(os.environ, PULUMI_SKIP_UPDATE_CHECK="true")
        if local:
            env["PULUMI_BACKEND_URL"] = s.backend_url  # emulator state never goes to a shared backend
            if not env.get("PULUMI_CONFIG_PASSPHRASE_FILE"):
                env.setdefault("PULUMI_CONFIG_PASSPHRASE", LOCAL_PASSPHRASE)
            for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):
                env.pop(name, None)  # nothing may reach a real account from a local stack
        # A real target keeps the user's own backend (pulumi login, PULUMI_BACKEND_URL) and secrets.
        self.env = env

    def run(self, *args: str, quiet: bool = False, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        import subprocess

        command = [self.executable, *args]
        if quiet:
            return subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True, check=False,
                                  input=stdin)
        process = subprocess.Popen(command, cwd=ROOT, env=self.env, text=True)
        try:
            process.wait()
        except KeyboardInterrupt:  # pulumi got the Ctrl-C too and cancels cleanly: wait for it
            process.wait()
            raise
        return subprocess.CompletedProcess(command, process.returncode)

    def must(self, *args: str, stdin: str | None = None) -> None:
        result = self.run(*args, quiet=True, stdin=stdin)
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise Failure(f"pulumi {args[0]} {args[1] if len(args) > 1 else ''} failed: "
                          f"{detail[-1] if detail else 'exit code ' + str(result.returncode)}")

    def has_config(self, key: str) -> bool:
        return self.run("config", "get", key, "--stack", self.settings.stack, quiet=True).returncode == 0

    def stack_exists(self) -> bool:
        return self.run("stack", "select", self.settings.stack, quiet=True).returncode == 0


def configure_local_stack(p: Pulumi, existing_pool_id: str | None) -> None:
    """Point the stack at the emulator; add sample accounts and their password if absent.

    ``existing_pool_id`` (the emulator's "existing" pool) is written every time: a fresh
    emulator makes the pool again under a new id.
    """
    import secrets

    s = p.settings
    values = {
        "aws:region": REGION,
        "aws:accessKey": "test",
        "aws:secretKey": "test",
        "aws:skipCredentialsValidation": "true",
        "aws:skipRequestingAccountId": "true",
        "aws:skipMetadataApiCheck": "true",
        **{f"aws:endpoints[0].{service}": s.endpoint for service in EMULATED_SERVICES},
    }
    if existing_pool_id is not None:
        values["existingPools[0].userPoolId"] = existing_pool_id
        for i, username in enumerate(EXISTING_POOL_USERS):
            values[f"existingPools[0].users[{i}]"] = username
        # Besides the listed users, the group's members, read from the emulator at each run.
        values["existingPools[0].group"] = EXISTING_POOL_GROUP
        # Shows the opt-in: the stack lets this pool invoke the function, and changes nothing else there.
        values["existingPools[0].allowCustomMessageInvoke"] = "true"
    if not p.has_config("testAccounts"):
        for i, username in enumerate(SAMPLE_ACCOUNTS):
            values[f"testAccounts[{i}].username"] = username
            values[f"testAccounts[{i}].email"] = f"{username}@example.com"
    pairs = [arg for key, value in values.items() for arg in ("--plaintext", f"{key}={value}")]
    p.must("config", "set-all", "--path", "--stack", s.stack, *pairs)
    if not p.has_config("testAccountPassword"):
        # Random, and set once: a new password on every run would update the users each time.
        password = f"Local-{secrets.token_urlsafe(12)}-9a"
        # On stdin, not in argv, where any local user's `ps` would see it.
        p.must("config", "set", "--secret", "--stack", s.stack, "testAccountPassword", stdin=password)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[1] not in (*ACTIONS, "require-cli"):
        print(f"usage: {Path(argv[0]).name} {{{'|'.join(ACTIONS)}}}", file=sys.stderr)
        return 2
    action = argv[1]
    try:
        executable = require_cli(argv[2] if action == "require-cli" and len(argv) > 2 else action)
        if action == "require-cli":
            return 0
        s = Settings.from_env()
        local = s.is_local()
        p = Pulumi(executable, s, local=local)
        if action == "down" and local and not p.stack_exists():
            stop_emulator(s)
            return 0
        existing_pool_id = None
        if local:
            ensure_emulator(s)
            if action in ("up", "preview"):
                existing_pool_id = ensure_existing_pool(s)
        p.must("stack", "select", "--create", s.stack)
        if local:
            configure_local_stack(p, existing_pool_id)
        command = {
            "up": ("up", "--yes", "--refresh"),
            "preview": ("preview", "--refresh", "--diff"),
            "destroy": ("destroy", "--yes", "--refresh"),
            "down": ("destroy", "--yes", "--refresh"),
        }[action]
        code = p.run(*command, "--stack", s.stack).returncode
        if action == "down" and local:
            # Stopped even if destroy failed: the next make up starts a fresh emulator and its
            # --refresh drops what is gone from state before creating it again.
            stop_emulator(s)
        return code
    except Failure as failure:
        print(str(failure), file=sys.stderr)
        return failure.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv))
