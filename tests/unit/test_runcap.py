"""maxResetsPerRun: the config value, and the count of distinct users one host resets."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.output import Unknown

from cognito_password_reset import runcap
from cognito_password_reset.errors import CognitoPasswordResetError, ConfigError
from cognito_password_reset.provider import CognitoPasswordResetProvider
from cognito_password_reset.runcap import ResetCapReached, RunCounter
from tests.api_calls import ApiCall, resets

from .conftest import Pool

KEY = "cognito-password-reset:maxResetsPerRun"
FIX = "raise cognito-password-reset:maxResetsPerRun in the same change if this many resets are intended"


@pytest.mark.parametrize(("value", "cap"), [(None, 0), ("", 0), ("0", 0), ("3", 3), (" 100 ", 100), (3, 3),
                                            (3.0, 3), ("2.0", 2), ("5e1", 50)])
def test_config_value(value: Any, cap: int) -> None:
    raw = {} if value is None else {KEY: value}
    assert runcap.cap_from_config(raw.get) == cap


@pytest.mark.parametrize("value", ["-1", -1, "ten", "2.5", 2.5, True, "١٢", [3], "nan", "inf"])
def test_a_bad_config_value_is_one_sentence_naming_the_key(value: Any) -> None:
    with pytest.raises(ConfigError) as caught:
        runcap.cap_from_config({KEY: value}.get)
    message = str(caught.value)
    assert message.startswith(f"CognitoPasswordReset: stack config {KEY} must be a whole number")
    assert "pulumi config set" in message and message.count(". ") == 0


def test_a_bad_value_fails_the_providers_configure_so_the_first_call() -> None:
    with pytest.raises(ConfigError, match=KEY):
        CognitoPasswordResetProvider().configure(ConfigureRequest(Config({KEY: "-1"}, "any-project")))


def test_users_within_the_cap_pass_and_each_past_it_fails_naming_count_cap_key_and_fix() -> None:
    counter = RunCounter()
    for user in ("a", "b", "c"):
        counter.admit(user, 3, f"pool/{user}")
    with pytest.raises(ResetCapReached) as fourth:
        counter.admit("d", 3, "pool/d")
    assert str(fourth.value) == (
        "CognitoPasswordReset: resetting pool/d would make 4 resets in this run, over the cap of 3 set by "
        f"stack config {KEY}, so it is not reset in this run; {FIX} (or run again: the next run resets "
        "the next ones, up to the cap)")
    assert isinstance(fourth.value, CognitoPasswordResetError)
    with pytest.raises(ResetCapReached, match="would make 5 resets"):
        counter.admit("e", 3, "pool/e")
    with pytest.raises(ResetCapReached, match="would make 5 resets"):
        counter.admit("d", 3, "pool/d")  # refused again, and still counted once
    counter.admit("b", 3, "pool/b")  # an admitted user asked again (Diff, then Update) passes


def test_no_cap_counts_nothing() -> None:
    counter = RunCounter()
    for n in range(1000):
        counter.admit(n, 0, "x")
    counter.admit("late", 1, "x")  # nothing was kept while uncapped


def test_concurrent_calls_for_the_same_user_count_it_once() -> None:
    counter = RunCounter()
    barrier = threading.Barrier(8)
    failures: list[BaseException] = []

    def admit(user: str) -> None:
        barrier.wait()
        try:
            counter.admit(user, 2, user)
        except ResetCapReached as exc:
            failures.append(exc)

    threads = [threading.Thread(target=admit, args=(u,)) for u in ["a"] * 4 + ["b"] * 4]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    with pytest.raises(ResetCapReached, match="would make 3 resets"):
        counter.admit("c", 2, "c")


# --- where the provider counts -------------------------------------------------------------------

POOL = "us-east-1_AbC123"


@pytest.fixture
def capped() -> Iterator[CognitoPasswordResetProvider]:
    runcap.COUNTER.forget()
    provider = CognitoPasswordResetProvider()
    provider.configure(ConfigureRequest(Config({KEY: "2"}, "any-project")))
    yield provider
    runcap.COUNTER.forget()


def new(username: Any, **extra: Any) -> dict[str, Any]:
    return {"user_pool_id": POOL, "username": username, "__provider": "P", **extra}


def test_check_counts_new_resources_that_reset_on_create(capped: CognitoPasswordResetProvider) -> None:
    capped.check({}, new("adopted", reset_on_create=False))  # no reset: not counted
    capped.check({}, new("alice"))
    capped.check({}, new("alice"))  # checked twice: counted once
    capped.check({}, new("bob"))
    with pytest.raises(ResetCapReached, match=f"resetting {POOL}/carol would make 3 resets"):
        capped.check({}, new("carol"))


def test_a_resource_that_fails_check_takes_no_slot(capped: CognitoPasswordResetProvider) -> None:
    # The engine stops a resource whose Check fails: it will reset nobody, so it must not use up
    # the cap that the valid resources of the run need.
    for bad in ("has space", "x" * 129, "also bad"):
        assert capped.check({}, new(bad)).failures
    capped.check({}, new("alice"))
    capped.check({}, new("bob"))


def test_check_of_an_existing_resource_counts_nothing(capped: CognitoPasswordResetProvider) -> None:
    for name in ("a", "b", "c"):
        capped.check(new(name), new(name, rotation_trigger="t2"))


def test_an_unknown_user_counts_at_every_check(capped: CognitoPasswordResetProvider) -> None:
    capped.check({}, new(Unknown()))
    capped.check({}, new(Unknown()))
    with pytest.raises(ResetCapReached,
                       match=r"^CognitoPasswordReset: resetting a user whose pool or username is not known yet "
                             r"would make 3 resets in this run"):
        capped.check({}, new(Unknown()))


def test_diff_counts_planned_resets_once_per_user(capped: CognitoPasswordResetProvider) -> None:
    old = {**new("alice", rotation_trigger="t1"), "reset_on_create": True}
    capped.diff(f"{POOL}/alice", old, new("alice", rotation_trigger="t1"))  # no change: not counted
    capped.diff(f"{POOL}/alice", old, new("alice", rotation_trigger="t1", client_metadata={"a": "b"}))
    for _ in range(2):
        capped.diff(f"{POOL}/alice", old, new("alice", rotation_trigger="t2"))
    # A replacement whose new username is unknown counts once per resource.
    for _ in range(2):
        capped.diff(f"{POOL}/bob", {**old, "username": "bob"}, new(Unknown(), rotation_trigger="t1"))
    with pytest.raises(ResetCapReached, match=f"{POOL}/carol would make 3"):
        capped.diff(f"{POOL}/carol", {**old, "username": "carol"}, new("carol", rotation_trigger="t2"))


def test_replacements_to_unknown_users_count_once_per_resource(capped: CognitoPasswordResetProvider) -> None:
    # Two resources whose new usernames are not known yet are two resets, not one.
    old = {**new("bob", rotation_trigger="t1"), "reset_on_create": True}
    capped.diff(f"{POOL}/bob", old, new(Unknown(), rotation_trigger="t1"))
    capped.diff(f"{POOL}/dave", {**old, "username": "dave"}, new(Unknown(), rotation_trigger="t1"))
    with pytest.raises(ResetCapReached, match="would make 3 resets"):
        capped.diff(f"{POOL}/erin", {**old, "username": "erin"}, new(Unknown(), rotation_trigger="t1"))


def test_create_and_update_past_the_cap_call_nothing(capped: CognitoPasswordResetProvider, pool: Pool,
                                                    calls: list[ApiCall]) -> None:
    for name in ("alice", "bob", "carol"):
        pool.user(name)
    alice = capped.create(new_in(pool, "alice")).outs or {}
    capped.create(new_in(pool, "alice"))  # the same user again (Check, then Create): one count
    old_bob = {**new_in(pool, "bob", rotation_trigger="t1"), "reset_at": None, "user_status": None}
    capped.update(f"{pool.id}/bob", old_bob, new_in(pool, "bob", rotation_trigger="t2"))
    with pytest.raises(ResetCapReached, match="would make 3 resets"):
        capped.create(new_in(pool, "carol"))
    old_alice = {**alice, "__provider": "P"}
    with pytest.raises(ResetCapReached):
        capped.update(f"{pool.id}/carol", {**old_alice, "username": "carol"},
                      new_in(pool, "carol", rotation_trigger="t9"))
    assert [c.params["Username"] for c in resets(calls)] == ["alice", "alice", "bob"]
    assert pool.status("carol") != "RESET_REQUIRED"


def new_in(pool: Pool, username: str, **extra: Any) -> dict[str, Any]:
    return {**new(username, **extra), "user_pool_id": pool.id, "reset_on_create": True}
