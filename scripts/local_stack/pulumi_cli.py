"""The Pulumi CLI, run in the project folder, and the config that points a local stack at the emulator."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .existing_pool import EXISTING_POOL_GROUP, EXISTING_POOL_USERS
from .settings import REGION, ROOT, Failure, Settings

if TYPE_CHECKING:
    import subprocess

LOCAL_PASSPHRASE = "local-emulator-only"
"""Encrypts only the local stack's secrets (the sample accounts' password in a throw-away
emulator); a real stack brings its own passphrase or secrets provider."""
EMULATED_SERVICES = ("cognitoidp", "iam", "lambda", "sts")
SAMPLE_ACCOUNTS = ("qa-alice", "qa-bob")


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
