"""``python -m tests.engine.orphan_driver LOGS``: a stand-in for a test run that never tears down,
for ``test_orphans``. It starts a moto server and a provider host with the suite's own helpers,
prints their PIDs as one JSON line, and waits, never stopping them:

- SIGKILL ends it at once;
- a first SIGINT makes it print ``tearing down`` and wait again, as pytest does while it runs
  its teardown; a second SIGINT interrupts that and it exits, the servers still unstopped.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from .servers import host_env, start_host, start_moto


def main(logs: Path) -> None:
    moto = start_moto(logs / "moto")
    host = start_host(logs / "host", env=host_env(logs / "home"))
    print(json.dumps({"moto": moto.pid, "host": host.pid}), flush=True)
    try:
        time.sleep(3600)
    except KeyboardInterrupt:
        print("tearing down", flush=True)
        time.sleep(3600)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
