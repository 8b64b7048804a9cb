"""What one CognitoPasswordReset adds to a stack's checkpoint, and a checkpoint of N of them.

    python -m bench.state_size [N ...]          (default: 5000 50000)

Runs this repository's program (``__main__.py``) under Pulumi's mocks the way the language
host runs it (``pulumi.runtime.run_in_stack`` around ``runpy.run_path``, in the project root,
so the stack trace the SDK sends has the same frames as under ``pulumi up``), with one
existing user on a 90-day schedule. From that reset's RegisterResourceRequest it builds the
entry the engine stores in the checkpoint (``apitype.ResourceV3``):

- ``inputs``: the provider's own Check of the registered inputs (``__provider`` included);
  ``outputs``: its Create (with a stub client: no AWS), ``__provider`` added as the host adds it.
  None values dropped, as the host's serialization drops them.
- secrets (``__provider`` and ``client_metadata``: secret inputs, and ``additionalSecretOutputs``)
  as the passphrase secrets provider stores them: ``{"4dabf...": "1b47...", "ciphertext":
  "v1:<base64 12-byte nonce>:<base64 AES-256-GCM ciphertext + 16-byte tag>"}``, the plaintext
  being the value's compact JSON (pkg/resource/stack/deployment.go, SerializePropertyValue;
  sdk/go/common/resource/config/crypt.go). Random bytes of that length stand in for the
  ciphertext: only its length matters here.
- ``parent``, ``dependencies`` and ``propertyDependencies`` as the engine records them from the
  request (every property key, with ``[]`` where none); ``provider``: the default
  ``pulumi-python`` provider's URN and a UUID; ``created``/``modified``: RFC 3339 UTC with
  nanoseconds; ``sourcePosition`` and ``stackTrace``: the request's frames made relative to the
  project root (``project:///...#line``), as source_eval.go's parseSourcePosition does, with
  this script's own frames replaced by the two of the language host's script (``EXEC``).

Each of N such entries (usernames of the same length) then goes into a whole checkpoint
(``{"version": 3, "checkpoint": {"stack", "latest": {"manifest", "secrets_providers",
"resources", "metadata"}}}``), after the root stack resource with what the program exports per
reset, measured in the two forms the DIY (file/S3) backend has written: compact JSON since
pulumi 3.238.0 (pkg/backend/diy/state.go, compactJSONMarshaler, #22245) and 4-space-indented
JSON before it (sdk/go/common/encoding, ``encoding.JSON``), and gzipped
(``PULUMI_DIY_BACKEND_GZIP``). The stack's other resources (pool, function, role, providers)
are left out: a fixed few KB that does not grow with N.

Prints one JSON object: bytes per reset (and the shares of the stack trace and of the stack's
export), and the checkpoint's bytes for each N. ``--sample FILE`` writes the stack and one reset,
indented, for reading. Sizes do not depend on the machine; the run takes about a minute and
1.7 GB for 50,000.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime
import gzip
import json
import os
import runpy
import sys
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse
from urllib.request import url2pathname

import pulumi
from pulumi.runtime import rpc, settings
from pulumi.runtime.mocks import MockMonitor

ROOT = Path(__file__).resolve().parents[1]
PROJECT, STACK = "cognito-password-reset", "prod"
TYPE = "pulumi-python:dynamic/cognito:CognitoPasswordReset"
POOL_ID = "eu-west-1_Ab3dE6gH9"
"""A pool id of the real shape: region, underscore, 9 characters."""
SIG_KEY, SECRET_SIG = rpc._special_sig_key, rpc._special_secret_sig
CONFIG = {
    "existingUsers": None,  # filled in: the usernames
    "rotateAfterDays": "90",
    "resetTicket": "CHG0042170",
    "supportContact": "it-support@example.com",
}
"""The stack config of the run: the default reason ("scheduled password rotation"), a ticket and
a support contact in every reset's client metadata, and a 90-day schedule."""


def username(i: int) -> str:
    """A username of fixed length (22 characters), so every entry has the same size."""
    return f"user{i:06d}@example.com"


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if args.typ == "aws:cognito/userPool:UserPool":
            return POOL_ID, dict(args.inputs)
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
        return {}, []


class _Recording(MockMonitor):
    def __init__(self, mocks: _Mocks) -> None:
        super().__init__(mocks)
        self.requests: list[Any] = []

    def RegisterResource(self, request: Any) -> Any:
        self.requests.append(request)
        return super().RegisterResource(request)


def registered_reset() -> Any:
    """Run __main__.py as the language host does and return the reset's RegisterResourceRequest."""
    mocks = _Mocks()
    monitor = _Recording(mocks)
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=STACK, preview=False, monitor=monitor)
    # The mocks make a root stack resource of their own; the language host makes it inside
    # run_in_stack, with the program's frames below it. Drop the mocks' one.
    settings.ROOT.set(None)
    config = {**CONFIG, "existingUsers": json.dumps([username(0)])}
    pulumi.runtime.set_all_config({f"{PROJECT}:{k}": v for k, v in config.items()}, [])
    os.chdir(ROOT)
    loop = asyncio.get_event_loop()
    loop.run_until_complete(pulumi.runtime.run_in_stack(
        lambda: runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")))
    (request,) = [r for r in monitor.requests if r.type == TYPE]
    return request


# --- what the host answers ------------------------------------------------------------------------

def wire(struct: Any) -> tuple[dict[str, Any], set[str]]:
    """A request's property Struct as plain values, and the keys that came as secrets."""
    raw = rpc.deserialize_properties(struct, keep_unknowns=True)
    secrets = {k for k, v in raw.items() if rpc.is_rpc_secret(v)}
    return {k: rpc.unwrap_rpc_secret(v) for k, v in raw.items()}, secrets


def _integral(value: Any) -> Any:
    # Struct numbers are doubles; the engine writes a whole one as an integer (90, not 90.0).
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _integral(v) for k, v in value.items()}
    return value


def host_answers(news: Mapping[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(id, checked inputs, outputs) as the provider host returns them for a create."""
    from cognito_password_reset.provider import CognitoPasswordResetProvider

    class _NoAws:
        def reset_password(self, *_args: Any, **_options: Any) -> bool:
            return True  # sent

    provider = CognitoPasswordResetProvider()
    provider._cognito = lambda: _NoAws()  # type: ignore[method-assign,assignment,return-value]
    news = _integral(dict(news))
    checked = provider.check({}, news)
    assert not checked.failures, checked.failures
    inputs = {**checked.inputs, "__provider": news["__provider"]}
    created = provider.create(dict(inputs))
    outputs = {**(created.outs or {}), "__provider": inputs["__provider"]}
    return created.id, _without_none(inputs), _without_none(outputs)


def _without_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


# --- what the engine stores -----------------------------------------------------------------------

def _go_json(value: Any) -> str:
    """Go's json.Marshal: compact, map keys sorted, <, > and & escaped."""
    text = json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def encrypted(value: Any) -> dict[str, str]:
    """A secret as the passphrase secrets provider stores it (random bytes of the ciphertext's length)."""
    plaintext = _go_json(value).encode()
    nonce, sealed = os.urandom(12), os.urandom(len(plaintext) + 16)  # AES-256-GCM: + 16-byte tag
    ciphertext = f"v1:{base64.b64encode(nonce).decode()}:{base64.b64encode(sealed).decode()}"
    return {SIG_KEY: SECRET_SIG, "ciphertext": ciphertext}


def properties(values: Mapping[str, Any], secret: set[str]) -> dict[str, Any]:
    return {k: encrypted(values[k]) if k in secret else values[k] for k in sorted(values)}


def source_position(pc: Any, root: Path) -> str:
    """parseSourcePosition: ``file:///abs/path`` + line to ``project:///<relative path>#line``."""
    if not pc.uri:
        return ""
    path = Path(url2pathname(urlparse(pc.uri).path))
    relative = os.path.relpath(path, root)
    return f"project:///{quote(relative.replace(os.sep, '/'), safe='/')}#{pc.line}"


EXEC = "project:///../../../.pulumi/bin/pulumi-language-python-exec"
"""The language host's script as seen from a project root such as /home/runner/work/repo/repo,
with the CLI in /home/runner/.pulumi/bin. Its two frames (pulumi 3.260's
sdk/python/cmd/pulumi-language-python-exec): ``run()``, line 188, ``runpy.run_path(...)``, and the
module level, line 232, ``loop.run_until_complete(coro)``."""


def language_host_frames(frames: list[str]) -> list[str]:
    """The frames of ``pulumi up``: this script's own frames stand where the language host's are.

    Frames run innermost first. The program's ``run_path`` is called from this script's lambda,
    as from the host's ``run()``; everything outside ``loop.run_until_complete`` (the last
    asyncio/base_events.py frame) is this script's start-up, where the host has its module level.
    """
    last = max(i for i, f in enumerate(frames) if "/asyncio/base_events.py#" in f)
    mine = f"project:///{Path(__file__).relative_to(ROOT).as_posix()}#"
    inner = [f"{EXEC}#188" if f.startswith(mine) else f for f in frames[: last + 1]]
    return [*inner, f"{EXEC}#232"]


def now() -> str:
    moment = datetime.datetime.now(datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}123Z"  # Go: nanoseconds


def entry_template(request: Any) -> dict[str, Any]:
    """Everything of the reset's entry that is the same for every user of the fleet."""
    _, secret_inputs = wire(request.object)
    provider_urn = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:providers:pulumi-python::default"
    frames = language_host_frames([source_position(f.pc, ROOT) for f in request.stackTrace.frames])
    return {
        "secret_inputs": secret_inputs,
        "secret_outputs": secret_inputs | set(request.additionalSecretOutputs),
        "parent": request.parent,
        "dependencies": list(request.dependencies),
        "property_dependencies": {k: list(v.urns) for k, v in request.propertyDependencies.items()},
        "provider": f"{provider_urn}::{uuid.uuid4()}",
        "additionalSecretOutputs": list(request.additionalSecretOutputs),
        "sourcePosition": source_position(request.sourcePosition, ROOT),
        "stackTrace": [{"sourcePosition": f} if f else {} for f in frames],
        "news": wire(request.object)[0],
    }


def entry(template: Mapping[str, Any], user: str, *, with_trace: bool = True) -> dict[str, Any]:
    """One reset's checkpoint entry (apitype.ResourceV3, fields in its order) for ``user``."""
    news = {**template["news"], "username": user}
    id_, inputs, outputs = host_answers(news)
    name = f"reset-{user}"
    # Recorded at registration (before Check): every key the program sent, [] where none.
    registered = {*template["news"], *template["property_dependencies"]}
    deps = {k: template["property_dependencies"].get(k, []) for k in sorted(registered)}
    at = now()
    resource: dict[str, Any] = {
        "urn": f"urn:pulumi:{STACK}::{PROJECT}::{TYPE}::{name}",
        "custom": True,
        "id": id_,
        "type": TYPE,
        "inputs": properties(inputs, template["secret_inputs"]),
        "outputs": properties(outputs, template["secret_outputs"]),
        "parent": template["parent"],
    }
    if template["dependencies"]:
        resource["dependencies"] = template["dependencies"]
    resource.update({
        "provider": template["provider"],
        "propertyDependencies": deps,
        "additionalSecretOutputs": template["additionalSecretOutputs"],
        "created": at,
        "modified": at,
        "sourcePosition": template["sourcePosition"],
    })
    if with_trace:
        resource["stackTrace"] = template["stackTrace"]
    return resource


def stack_entry(resets: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The root stack resource, with what __main__.py exports per reset (``resets``: each one's
    ``resetAt`` and ``userStatus``, keyed by username): that too grows with the fleet."""
    at = now()
    exports = {name: {"resetAt": outs.get("reset_at"), "userStatus": outs.get("user_status")}
               for name, outs in resets.items()}
    return {
        "urn": f"urn:pulumi:{STACK}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{STACK}",
        "custom": False,
        "type": "pulumi:pulumi:Stack",
        "outputs": {"existingPoolResets": {}, "resets": dict(sorted(exports.items()))},
        "created": at,
        "modified": at,
    }


def fleet(template: Mapping[str, Any], n: int, *, exports: bool = True, trace: bool = True) -> list[dict[str, Any]]:
    """The checkpoint's resources for n resets: the stack (with its exports), then the resets."""
    resets = [entry(template, username(i), with_trace=trace) for i in range(n)]
    outputs = {r["inputs"]["username"]: r["outputs"] for r in resets} if exports else {}
    return [stack_entry(outputs), *resets]


def checkpoint(resources: list[dict[str, Any]]) -> dict[str, Any]:
    """The DIY backend's file: apitype.VersionedCheckpoint around CheckpointV3 and DeploymentV3."""
    salt = f"v1:{base64.b64encode(os.urandom(8)).decode()}:{encrypted('pulumi')['ciphertext']}"
    return {
        "version": 3,
        "checkpoint": {
            "stack": f"organization/{PROJECT}/{STACK}",
            "latest": {
                "manifest": {"time": now(), "magic": "0" * 64, "version": "v3.272.0"},
                "secrets_providers": {"type": "passphrase", "state": {"salt": salt}},
                "resources": resources,
                "metadata": {},
            },
        },
    }


def sizes(document: dict[str, Any]) -> dict[str, int]:
    compact = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
    indented = (json.dumps(document, indent=4, ensure_ascii=False) + "\n").encode()
    return {"compact": len(compact), "indented": len(indented),
            "compact_gzip": len(gzip.compress(compact, compresslevel=6))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, nargs="*", default=[5000, 50000], help="resources per checkpoint")
    parser.add_argument("--sample", type=Path, help="write one entry, indented, to this file")
    args = parser.parse_args()

    template = entry_template(registered_reset())
    if args.sample:
        args.sample.write_text(json.dumps(fleet(template, 1), indent=4) + "\n")

    def per_reset(n: int, **leave_out: bool) -> dict[str, float]:
        # What n more resets add to a checkpoint, per reset (the stack's own entry cancels out).
        base, grown = sizes(checkpoint(fleet(template, 0))), sizes(checkpoint(fleet(template, n, **leave_out)))
        return {k: (grown[k] - base[k]) / n for k in base}

    whole, untraced, unexported = per_reset(100), per_reset(100, trace=False), per_reset(100, exports=False)
    result: dict[str, Any] = {
        "frames": len(template["stackTrace"]),
        "per_reset_bytes": whole,
        "of_which_stack_trace": {k: whole[k] - untraced[k] for k in whole},
        "of_which_stack_export": {k: whole[k] - unexported[k] for k in whole},
        "checkpoint_bytes": {},
    }
    for n in args.n:
        document = checkpoint(fleet(template, n))
        result["checkpoint_bytes"][str(n)] = sizes(document)
        del document
    print(json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
