"""10. Selecting a 5,000-member group: what reading a fleet by membership costs a preview.

    .venv/bin/python -m bench.selection [--n 5000]

A pool in moto server with a group of N members; ``cognito_password_reset.pool_users`` reads it
through the real code path (the stack config's ``aws:endpoints``, the client cache, the list
limiter at its default pace: ``min(maxReadsPerSecond, 25)`` a second, under Cognito's UserList
quota of 30). The stack does this once per preview and once per up, before it declares anything,
so the wall time below is what a group selection adds to each. Target: no more than the paced
calls themselves, pages / rate, plus 10 % (the first page starts at once, so (pages - 1) / rate
is the floor no pacing can beat). It reads the group three times in one process: cold (the
first selection of a program builds its boto3 session and client, a fixed cost whatever the
group's size), warm (the paging alone, which the target is about), and unpaced (moto's own time).
"""

from __future__ import annotations

import argparse
import json
import math
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from cognito_password_reset import pool_users
from cognito_password_reset.cognito import PAGE_SIZE
from cognito_password_reset.ratelimit import LIST_PER_SECOND

from .procs import moto_server, scratch_dir

GROUP = "contractors"
RESULTS = Path(__file__).resolve().parent / "selection-results.json"


def make_group(admin: Any, n: int) -> str:
    """A pool with a group of ``n`` members (created 4 at a time)."""
    pool = admin.create_user_pool(PoolName="selection-bench")["UserPool"]["Id"]
    admin.create_group(UserPoolId=pool, GroupName=GROUP)

    def member(i: int) -> None:
        name = f"member-{i:05}"
        admin.admin_create_user(UserPoolId=pool, Username=name, MessageAction="SUPPRESS")
        admin.admin_add_user_to_group(UserPoolId=pool, Username=name, GroupName=GROUP)

    with ThreadPoolExecutor(4) as ex:
        list(ex.map(member, range(n)))
    return pool


def measure(n: int) -> dict[str, Any]:
    with scratch_dir() as tmp, moto_server(Path(tmp)) as moto:
        pool = make_group(moto.client(), n)
        config = {"aws:endpoints": json.dumps([{"cognitoidp": moto.url}]), "aws:accessKey": "testing",
                  "aws:secretKey": "testing"}
        walls = []
        for _ in range(2):  # cold: the first selection of a program builds the client; then warm
            started = time.perf_counter()
            members = pool_users(pool, GROUP, config=config)
            walls.append(time.perf_counter() - started)
            if len(members) != n:
                raise SystemExit(f"selection returned {len(members)} members of {n}")
        unpaced = {**config, "cognito-password-reset:maxReadsPerSecond": "0"}
        started = time.perf_counter()
        pool_users(pool, GROUP, config=unpaced)
        walls.append(time.perf_counter() - started)
    cold, warm, unlimited = walls
    pages = math.ceil(n / PAGE_SIZE)
    paced = pages / LIST_PER_SECOND
    return {"members": n, "pages": pages, "rate": LIST_PER_SECOND, "paced_s": round(paced, 3),
            "floor_s": round((pages - 1) / LIST_PER_SECOND, 3), "cold_wall_s": round(cold, 3),
            "warm_wall_s": round(warm, 3), "unpaced_wall_s": round(unlimited, 3),
            "warm_ratio_to_paced": round(warm / paced, 3), "cold_ratio_to_paced": round(cold / paced, 3),
            "client_build_s": round(cold - warm, 3), "target_met": warm <= paced * 1.10}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    result = measure(parser.parse_args().n)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
