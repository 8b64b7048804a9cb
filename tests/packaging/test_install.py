"""`pip install <this repo>` makes the resource usable from any other Pulumi project.

The other project's provider host runs in *its* root, where this repository is not on
sys.path: the provider stored in state by reference must import from site-packages. Many
Pulumi projects keep their own providers in a folder called ``dynamic_providers`` (the
import name 0.1.0 used): the installed package ``cognito_password_reset`` must neither be hidden
by it nor hide it. (0.1.0's own path, ``dynamic_providers.provider``, can be hidden by such a
folder that has a ``provider.py``: tests/engine/test_host_state_compat.py, and the recovery in
docs/operations.md.)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.engine.harness import Engine
from tests.engine.servers import ROOT, Moto, Pool, host_env, start_host

FIXTURES = ROOT / "tests" / "fixtures"
URN = "urn:pulumi:dev::other-project::pulumi-python:dynamic/cognito:CognitoPasswordReset::r"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build and install the package, offline, into a folder standing for the other project's venv."""
    tmp = tmp_path_factory.mktemp("install")
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for package in ("cognito_password_reset", "dynamic_providers"):
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp / "site-packages"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
                    "--no-build-isolation", "--no-index", "--target", str(target), str(source)],
                   check=True, timeout=180, capture_output=True)
    return target


def other_project(tmp_path: Path, own_package: str) -> Path:
    """Another Pulumi project with a ``dynamic_providers/`` of its own: a regular package
    (``__init__.py``) or a namespace package (none), each holding a provider module of its own."""
    root = tmp_path / "other-project"
    (root / "dynamic_providers").mkdir(parents=True)
    (root / "Pulumi.yaml").write_text("name: other-project\nruntime: python\n")
    if own_package == "regular":
        (root / "dynamic_providers" / "__init__.py").write_text("OWN = 'the project\\'s own'\n")
    (root / "dynamic_providers" / "mine.py").write_text("OWN = 'the project\\'s own'\n")
    return root


def run(code: str, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_wheel_ships_the_package_its_type_information_and_only_the_0_1_0_provider_path(site: Path) -> None:
    assert (site / "cognito_password_reset" / "py.typed").exists()
    assert sorted(p.name for p in (site / "dynamic_providers").iterdir() if p.suffix == ".py") == ["provider.py"]


@pytest.mark.parametrize(("own_package", "fixture"), [
    # A regular package of the project's own shadows 0.1.0's path, as it always did: only
    # stacks written since 0.2.0 (cognito_password_reset.provider) can run there.
    ("regular", "provider-v0.2.0.txt"),
    # A namespace folder merges with the installed re-export: 0.1.0's stacks run too.
    ("namespace", "provider-v0.1.0.txt"),
    ("namespace", "provider-v0.2.0.txt"),
])
def test_installed_package_serves_a_project_with_its_own_dynamic_providers(
        site: Path, pool: Pool, moto: Moto, tmp_path: Path, own_package: str, fixture: str) -> None:
    other = other_project(tmp_path, own_package)
    env = host_env(tmp_path / "home", extra={"PYTHONPATH": str(site), "PULUMI_PROJECT": "other-project"})

    # The program's imports: the installed resource, and the project's own module beside it.
    assert run("import cognito_password_reset; print(cognito_password_reset.__file__)", other, env) == str(
        site / "cognito_password_reset" / "__init__.py")
    assert run("from cognito_password_reset import CognitoPasswordReset, CognitoPasswordResetArgs; "
               "from dynamic_providers.mine import OWN; print(OWN)", other, env) == "the project's own"

    pool.user("alice")
    host = start_host(tmp_path / "logs", env=env, cwd=other)
    try:
        engine = Engine(host.address)
        try:
            engine.start({"aws:region": "us-east-1", "aws:endpoints": f'[{{"cognitoidp": "{moto.url}"}}]'})
            provider = (FIXTURES / fixture).read_text().strip()
            inputs, failures = engine.check(URN, {}, {"user_pool_id": pool.id, "username": "alice",
                                                      "__provider": provider})
            assert failures == []
            resource_id, outputs = engine.create(URN, inputs)
        finally:
            engine.close()
    finally:
        host.stop()
    assert resource_id == f"{pool.id}/alice"
    assert outputs["user_status"] == "RESET_REQUIRED"
    assert pool.status("alice") == "RESET_REQUIRED"  # the reset really went out, from site-packages
