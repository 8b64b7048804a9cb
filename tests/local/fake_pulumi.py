"""A stand-in ``pulumi`` executable for testing scripts/local.py (no CLI can be installed here).

It implements only the commands the script uses, with the CLI's documented behaviour reduced
to what the script relies on: ``stack select [--create] NAME`` (fails for an unknown stack
without --create), ``config get KEY`` (exit 1 when unset), ``config set-all --path
--plaintext k=v ...``, ``config set --secret KEY [VALUE]`` (the value from stdin when
absent), and ``up`` / ``preview`` / ``destroy``, which only record that they ran and whether
the emulator answered then.

Its state lives in ``$FAKE_PULUMI_DIR``: ``config.json`` (flat path -> value) and
``calls.jsonl`` (one line per call: argv and the environment the script chose).
"""

from __future__ import annotations

import json
import os
import sys
import urllib.request
from pathlib import Path

STATE = Path(os.environ["FAKE_PULUMI_DIR"])
ENV_KEYS = ("PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "AWS_PROFILE", "PULUMI_SKIP_UPDATE_CHECK")


def load(name: str, default: object) -> object:
    path = STATE / name
    return json.loads(path.read_text()) if path.exists() else default


def save(name: str, value: object) -> None:
    (STATE / name).write_text(json.dumps(value, indent=1, sort_keys=True))


def emulator_answers(config: dict[str, str]) -> bool:
    endpoint = config.get("aws:endpoints[0].cognitoidp")
    if not endpoint:
        return False
    try:
        with urllib.request.urlopen(f"{endpoint}/moto-api/config", timeout=5) as response:
            return response.status in (200, 201)
    except OSError:
        return False


def without_stack_flag(args: list[str]) -> list[str]:
    if "--stack" in args:
        i = args.index("--stack")
        return args[:i] + args[i + 2:]
    return args


def main(argv: list[str]) -> int:
    STATE.mkdir(parents=True, exist_ok=True)
    config: dict[str, str] = load("config.json", {})  # type: ignore[assignment]
    stacks: list[str] = load("stacks.json", [])  # type: ignore[assignment]
    call: dict[str, object] = {"argv": argv, "env": {k: os.environ.get(k) for k in ENV_KEYS}}
    args = without_stack_flag(argv)
    code = 0
    if args[:2] == ["stack", "select"]:
        name = args[-1]
        if name not in stacks:
            if "--create" not in args:
                print(f"error: no stack named '{name}' found", file=sys.stderr)
                code = 255
            else:
                stacks.append(name)
    elif args[:2] == ["config", "get"]:
        # An object value (set with --path as testAccounts[0].username, ...) exists as a whole.
        inside = {k: v for k, v in config.items() if k == args[2] or k.startswith((f"{args[2]}[", f"{args[2]}."))}
        if inside:
            print(json.dumps(inside))
        else:
            print(f"error: configuration key '{args[2]}' not found for stack", file=sys.stderr)
            code = 1
    elif args[:2] == ["config", "set-all"]:
        for i, arg in enumerate(args):
            if arg in ("--plaintext", "--secret"):
                key, value = args[i + 1].split("=", 1)
                config[key] = value
    elif args[:2] == ["config", "set"]:
        positional = [a for a in args[2:] if not a.startswith("--")]
        # Without a value on the command line, the CLI reads it from a piped stdin.
        key, value = positional if len(positional) == 2 else (positional[0], sys.stdin.read())
        config[key] = value
    elif args[0] in ("up", "preview", "destroy"):
        call["emulator_answered"] = emulator_answers(config)
        print(f"fake pulumi {args[0]}: done")
    else:
        print(f"fake pulumi: unsupported command {argv}", file=sys.stderr)
        code = 2
    call["exit"] = code
    with (STATE / "calls.jsonl").open("a") as log:
        log.write(json.dumps(call) + "\n")
    save("config.json", config)
    save("stacks.json", stacks)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
