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

The steps live in ``local_stack/``, one module per job: ``settings`` (where things live, the
one failure type), ``emulator`` (moto server's life), ``existing_pool`` (the pool made in the
emulator), ``pulumi_cli`` (the CLI and the local stack's config). This file is the order of
the steps.

Every step that writes is idempotent, so ``make up`` twice in a row changes nothing the
second time: the emulator is reused, the existing pool and its users are found, not made
again, config is rewritten with the same values, the password and sample accounts are written
only when absent, and ``--refresh`` finds what the first run left.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `python scripts/local.py` puts scripts/ first on sys.path, so local_stack is found beside this file.
from local_stack.emulator import ensure_emulator, stop_emulator
from local_stack.existing_pool import ensure_existing_pool
from local_stack.pulumi_cli import Pulumi, configure_local_stack
from local_stack.settings import Failure, Settings, require_cli

ACTIONS = ("up", "preview", "destroy", "down")


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
