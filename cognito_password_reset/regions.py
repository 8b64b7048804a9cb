"""Which region a pool id names, and whether that is an AWS region name at all.

A user pool id is ``<region>_<suffix>`` (``us-east-1_AbC123xyz``), and the region part is
where every call about that pool goes: ``cognito-idp.<region>.amazonaws.com``. The API's own
pattern (``[\\w-]+_[0-9a-zA-Z]+``) lets ``us-east1`` through, whose host does not exist, so a
typo there used to surface only at ``pulumi up``, as retries blamed on the network.

What a region name looks like is not retyped here: it comes from botocore's partition data
(``partitions.json``, the file its clients resolve endpoint hosts with), read once through
botocore's loader. Each partition states a ``regionRegex``
(``^(us|eu|ap|sa|ca|me|af|il|mx)\\-\\w+\\-\\d+$`` for ``aws``), so a region AWS opens after this
botocore was released passes as long as it is named like its partition's others; the regions
the data lists by name pass too.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

EXAMPLE_REGION = "us-east-1"


def region_of(user_pool_id: str) -> str:
    """The region a pool lives in: its id's prefix (``us-west-2_abc`` -> ``us-west-2``)."""
    return user_pool_id.split("_", 1)[0]


@dataclass(frozen=True)
class RegionNames:
    """Every partition's region pattern, and the region names the partition data lists."""

    patterns: tuple[re.Pattern[str], ...]
    listed: frozenset[str]

    def __contains__(self, name: str) -> bool:
        return name in self.listed or any(p.fullmatch(name) for p in self.patterns)


@functools.cache
def region_names() -> RegionNames:
    """The region names of every partition botocore knows, read once from its partition data."""
    import botocore.session

    data = botocore.session.get_session().get_data("partitions")
    patterns: list[re.Pattern[str]] = []
    listed: set[str] = set()
    for partition in data["partitions"]:
        if "regionRegex" in partition:
            # ASCII: region names are host labels; other SDKs' regex engines read \w as [A-Za-z0-9_].
            patterns.append(re.compile(partition["regionRegex"], re.ASCII))
        # Each partition also lists "<partition>-global" (aws-global): a pseudo-region for global
        # services' endpoints, not a place a user pool can be; cognito-idp.aws-global.amazonaws.com
        # does not exist.
        listed.update(name for name in partition.get("regions", {}) if name != f"{partition['id']}-global")
    return RegionNames(tuple(patterns), frozenset(listed))


def region_violation(user_pool_id: str) -> str | None:
    """What is wrong with the pool id's region part (a phrase to follow the property name), or None.

    Pool ids are not secret, so the id and its region part are quoted as given.
    """
    region = region_of(user_pool_id)
    if region in region_names():
        return None
    return (f"{user_pool_id!r} has the region part {region!r}, which is not an AWS region name "
            f"(such as {EXAMPLE_REGION})")
