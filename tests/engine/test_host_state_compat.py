"""Stacks written by earlier versions: the ``__provider`` they stored still runs in today's host.

The fixtures are committed (tests/fixtures/provider-v*.txt, see its README); here each one is
sent to the real host as an old stack's state would send it: Create, refresh, an up with the
current program, and destroy. Last, the one place 0.1.0's path does not resolve (a project
with a ``dynamic_providers/provider.py`` of its own) and the one ``pulumi up`` that repairs it.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from cognito_password_reset import resource
from cognito_password_reset.provider import CognitoPasswordResetProvider

from .conftest import Launch
from .faultproxy import FaultProxy
from .harness import Goal, HostError
from .servers import ROOT, Pool

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SERIALIZED = sorted(FIXTURES.glob("provider-v*.txt"))
RESET = "AdminResetUserPassword"
V010 = FIXTURES / "provider-v0.1.0.txt"


def test_there_are_fixtures_to_replay() -> None:
    # 0.1.0 stored dynamic_providers.provider..., 0.2.0 cognito_password_reset.provider...
    assert {FIXTURES / "provider-v0.1.0.txt", FIXTURES / "provider-v0.2.0.txt"} <= set(SERIALIZED)


@pytest.mark.parametrize("fixture", SERIALIZED, ids=[p.name for p in SERIALIZED])
def test_a_stored_provider_creates_refreshes_updates_and_destroys_in_the_host(
        fixture: Path, pool: Pool, proxy: FaultProxy, launch: Launch, declare: Callable[..., Goal]) -> None:
    pool.user("alice")
    stack = launch(proxy.url).stack
    current = declare("r", user_pool_id=pool.id, username="alice", rotation_trigger="t1")
    stored = fixture.read_text().strip()
    old = current.but(__provider=stored)

    assert stack.up(old).op == "create"
    assert [r.json()["Username"] for r in proxy.forwarded(RESET)] == ["alice"]
    assert pool.status("alice") == "RESET_REQUIRED"
    assert stack["r"].outputs["__provider"] == stored

    refreshed = stack.refresh("r")
    assert refreshed is not None and refreshed.outputs["user_status"] == "RESET_REQUIRED"

    # Today's program registers today's provider: an older one is replaced in state by an
    # update that calls nothing; today's own is no change at all.
    proxy.clear()
    assert stack.up(current).op == ("same" if stored == current.inputs["__provider"] else "update")
    assert stack["r"].outputs["__provider"] == current.inputs["__provider"]
    assert proxy.forwarded(RESET) == []
    stack.destroy("r")
    assert pool.status("alice") == "RESET_REQUIRED"


def test_the_provider_a_program_registers_carries_no_config_even_if_configured_in_process(
        declare: Callable[..., Goal]) -> None:
    # The resource module's shared provider instance is what every registration pickles.
    shared: Any = resource._PROVIDER
    assert isinstance(shared, CognitoPasswordResetProvider)
    shared.configure(ConfigureRequest(Config({
        "aws:accessKey": "AKIACANARY", "aws:secretKey": "SECRETCANARY",
        "aws:endpoints": '[{"cognitoidp": "http://ENDPOINTCANARY:1"}]'}, "cognito-password-reset")))
    try:
        goal = declare("r", user_pool_id="us-east-1_AbCdEf123", username="alice")
    finally:
        del shared._settings
    raw = base64.b64decode(goal.inputs["__provider"])
    for canary in (b"AKIACANARY", b"SECRETCANARY", b"ENDPOINTCANARY"):
        assert canary not in raw
    assert "__provider" in goal.secret_keys


def project_with_its_own_dynamic_providers(tmp_path: Path, package: str, module: str) -> Path:
    """A Pulumi project with a ``dynamic_providers/`` of its own: a namespace folder (no
    ``__init__.py``) or a regular package, holding ``module`` (a class other than ours)."""
    root = tmp_path / "other-project"
    (root / "dynamic_providers").mkdir(parents=True)
    (root / "Pulumi.yaml").write_text("name: other-project\nruntime: python\n")
    if package == "regular":
        (root / "dynamic_providers" / "__init__.py").write_text("")
    (root / "dynamic_providers" / module).write_text("class TheirOwnProvider:\n    pass\n")
    return root


@pytest.mark.parametrize(("package", "module", "error"), [
    # Its own provider.py is found first, namespace folder or not: the class is missing.
    ("namespace", "provider.py", "AttributeError"),
    ("regular", "provider.py", "AttributeError"),
    # A regular package hides the whole re-export.
    ("regular", "mine.py", "ModuleNotFoundError"),
])
def test_a_project_dynamic_providers_that_hides_0_1_0s_path_is_repaired_by_one_up_without_refresh(
        package: str, module: str, error: str, tmp_path: Path, pool: Pool, proxy: FaultProxy, launch: Launch,
        declare: Callable[..., Goal]) -> None:
    pool.user("alice")
    current = declare("r", user_pool_id=pool.id, username="alice", rotation_trigger="t1")
    stored = V010.read_text().strip()
    # The state 0.1.0 left, written through a host where its path still resolves (this root).
    written = launch(proxy.url).stack
    assert written.up(current.but(__provider=stored)).op == "create"
    assert len(proxy.forwarded(RESET)) == 1

    # The project's host: its root first on sys.path, this package importable after it.
    project = project_with_its_own_dynamic_providers(tmp_path, package, module)
    stack = launch(proxy.url, cwd=project, env={"PYTHONPATH": str(ROOT)}).stack
    stack.resources.update(written.resources)
    proxy.clear()

    # Refresh (also the first half of `pulumi up --refresh`) and destroy unpickle the stored
    # path and find the project's own dynamic_providers instead of the re-export.
    for name, attempt in (("Read", stack.refresh), ("Delete", stack.destroy)):
        with pytest.raises(HostError) as failed:
            attempt("r")
        assert (failed.value.method, failed.value.exception_type) == (name, error)
        if error == "AttributeError":
            assert "CognitoPasswordResetProvider" in failed.value.sentence
            assert str(project / "dynamic_providers" / "provider.py") in failed.value.sentence
        else:
            assert failed.value.sentence == "No module named 'dynamic_providers.provider'"
    assert stack["r"].outputs["__provider"] == stored

    # One up without --refresh: Check, Diff and Update unpickle the program's new __provider;
    # Diff sees __provider changed, and the update records it without calling AWS.
    step = stack.up(current)
    assert step.op == "update" and step.diff is not None and step.diff.replaces == ()
    assert stack["r"].outputs["__provider"] == current.inputs["__provider"] != stored
    assert b"cognito_password_reset.provider" in base64.b64decode(stack["r"].outputs["__provider"])

    # From then on refresh and destroy work in this project too.
    refreshed = stack.refresh("r")
    assert refreshed is not None and refreshed.outputs["user_status"] == "RESET_REQUIRED"
    stack.destroy("r")
    assert proxy.forwarded(RESET) == []
    assert [r.operation for r in proxy.forwarded()] == ["AdminGetUser"]
