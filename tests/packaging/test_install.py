"""`pip install <this repo>` makes the resource usable from any other Pulumi project.

The other project's provider host runs in *its* root, where this repository is not on
sys.path: the provider stored in state by reference must import from site-packages.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.engine.harness import Engine
from tests.engine.servers import ROOT, host_env, start_host

FIXTURE = ROOT / "tests" / "fixtures" / "provider-v0.1.0.txt"


def install(tmp_path: Path) -> Path:
    """Build and install the package, offline, into a folder standing for the other project's venv."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "dynamic_providers", source / "dynamic_providers",
                    ignore=shutil.ignore_patterns("__pycache__"))
    site = tmp_path / "site-packages"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
                    "--no-build-isolation", "--no-index", "--target", str(site), str(source)],
                   check=True, timeout=180, capture_output=True)
    return site


def test_installed_package_serves_another_project(tmp_path: Path) -> None:
    site = install(tmp_path)
    assert (site / "dynamic_providers" / "py.typed").exists(), "type information ships with the package"
    other = tmp_path / "other-project"
    other.mkdir()
    (other / "Pulumi.yaml").write_text("name: other-project\nruntime: python\n")
    env = host_env(tmp_path / "home", extra={"PYTHONPATH": str(site), "PULUMI_PROJECT": "other-project"})

    imported = subprocess.run([sys.executable, "-c", "import dynamic_providers; print(dynamic_providers.__file__)"],
                              cwd=other, env=env, capture_output=True, text=True, check=True, timeout=60)
    assert imported.stdout.strip() == str(site / "dynamic_providers" / "__init__.py")

    host = start_host(tmp_path / "logs", env=env, cwd=other)
    try:
        engine = Engine(host.address)
        try:
            engine.start({"aws:region": "us-east-1"})
            inputs, failures = engine.check(
                "urn:pulumi:dev::other-project::pulumi-python:dynamic/cognito:CognitoPasswordReset::r", {},
                {"user_pool_id": "us-east-1_AbC123", "username": "a b", "__provider": FIXTURE.read_text().strip()})
        finally:
            engine.close()
    finally:
        host.stop()
    assert [p for p, _ in failures] == ["username"]  # the provider's own Check ran, from site-packages
    assert inputs["reset_on_create"] is True
