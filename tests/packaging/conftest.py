"""The engine tests' moto server (and the check that no process is left running), shared."""

from tests.engine.conftest import _every_process_stopped, moto, pool

__all__ = ["_every_process_stopped", "moto", "pool"]
