"""The servers engine-level tests run, as the tests name them: moto server and the provider host
come from ``testbed/servers.py`` (shared with the benchmark); ``Pool`` and ``new_pool`` arrange
users in moto, for tests only."""

from __future__ import annotations

from testbed.servers import REGION, ROOT, Host, Moto, host_env, start_host, start_moto
from tests import cognito_pool
from tests.cognito_pool import Pool

__all__ = ["REGION", "ROOT", "Host", "Moto", "Pool", "host_env", "new_pool", "start_host", "start_moto"]


def new_pool(moto: Moto, name: str = "pool") -> Pool:
    return cognito_pool.new_pool(moto.client(), name)
