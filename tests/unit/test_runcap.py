"""maxResetsPerRun: the config value, and the count of distinct users one host resets."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
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

ROOT = Path(__file__).resolve().parents[2]
KEY = "cognito-password-reset:maxResetsPerRun"
FIX = ("raise cognito-password-reset:maxResetsPerRun in the same change to cover every user it resets, or split the "
       "change into changes of at most 3 users each")


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
        "CognitoPasswordReset: resetting pool/d would make 4 resets for changes in this run (new or replaced "
        f"resources and changed rotation triggers), over the cap of 3 set by stack config {KEY}, so it is not "
        f"reset; {FIX}")
    assert "run again" not in str(fourth.value)  # advice that a failed preview would make false
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


def test_scheduled_resets_past_the_cap_wait_and_are_counted_once_each() -> None:
    counter = RunCounter()
    assert [counter.admit_scheduled(u, 2) for u in ("a", "b", "c", "d")] == [None, None, (1, True), (2, True)]
    # Asked again (Diff, then Update): the same answer, said once.
    assert [counter.admit_scheduled(u, 2) for u in ("a", "c", "d", "b")] == [None, (1, False), (2, False), None]
    assert counter.admit_scheduled("e", 2) == (3, True)
    assert [counter.admit_scheduled(n, 0) for n in range(5)] == [None] * 5  # no cap: all go ahead


def test_the_two_tallies_are_independent_so_neither_depends_on_the_order_asked() -> None:
    # The schedule taking every slot does not make a change fail, nor the other way round:
    # the preview and the update count the same, whatever order the engine asks in.
    counter = RunCounter()
    assert [counter.admit_scheduled(u, 2) for u in ("s1", "s2", "s3")] == [None, None, (1, True)]
    counter.admit("c1", 2, "pool/c1")
    counter.admit("c2", 2, "pool/c2")
    with pytest.raises(ResetCapReached, match="would make 3 resets for changes"):
        counter.admit("c3", 2, "pool/c3")
    assert counter.admit_scheduled("s4", 2) == (2, True)


def test_the_waiting_warning_names_the_user_window_key_and_value_then_counts() -> None:
    first = runcap.waiting_warning("us-east-1_AbC/alice", "2026-12-01", 50, 1)
    assert first == (
        "CognitoPasswordReset: us-east-1_AbC/alice is due for its scheduled reset (window 2026-12-01) but waits "
        f"for a later run (1 waiting so far): stack config {KEY} is 50, and this run already makes that many "
        f"scheduled resets; each later run resets up to 50 of the users waiting; raise {KEY} to clear the backlog "
        "sooner.")
    assert runcap.waiting_warning("p/u", "2026-12-01", 50, runcap.WAITING_NAMED) is not None
    assert runcap.waiting_warning("p/u", "2026-12-01", 50, runcap.WAITING_NAMED + 1) is None
    hundredth = runcap.waiting_warning("p/u", "2026-12-01", 50, runcap.WAITING_EVERY)
    assert hundredth is not None and hundredth.startswith(
        "CognitoPasswordReset: 100 users due for their scheduled reset wait for a later run so far: stack config")


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
                             r"would make 3 resets for changes in this run"):
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
    capped.create(new_in(pool, "alice"))  # the same user again: one count (and already RESET_REQUIRED: no reset)
    old_bob = {**new_in(pool, "bob", rotation_trigger="t1"), "reset_at": None, "user_status": None}
    capped.update(f"{pool.id}/bob", old_bob, new_in(pool, "bob", rotation_trigger="t2"))
    with pytest.raises(ResetCapReached, match="would make 3 resets"):
        capped.create(new_in(pool, "carol"))
    old_alice = {**alice, "__provider": "P"}
    with pytest.raises(ResetCapReached):
        capped.update(f"{pool.id}/carol", {**old_alice, "username": "carol"},
                      new_in(pool, "carol", rotation_trigger="t9"))
    assert [c.params["Username"] for c in resets(calls)] == ["alice", "bob"]
    assert pool.status("carol") != "RESET_REQUIRED"


def new_in(pool: Pool, username: str, **extra: Any) -> dict[str, Any]:
    return {**new(username, **extra), "user_pool_id": pool.id, "reset_on_create": True}


def scheduled_state(username: str, window: str = "2026-09-02", **extra: Any) -> dict[str, Any]:
    """Stored outputs of a user last reset by the schedule on its window's first night."""
    return {**new(username), "reset_on_create": True, "rotate_after_days": 90, "rotation_window": window,
            "reset_at": f"{window}T02:00:00Z", "user_status": "RESET_REQUIRED", **extra}


def due(username: str, **extra: Any) -> dict[str, Any]:
    """Tonight's checked inputs of that user: a new window began."""
    return {**new(username), "reset_on_create": True, "rotate_after_days": 90, "rotation_window": "2026-12-01",
            **extra}


def test_diff_puts_scheduled_resets_past_the_cap_off_with_a_warning_and_fails_nothing(
        capped: CognitoPasswordResetProvider, capsys: pytest.CaptureFixture[str]) -> None:
    results = {u: capped.diff(f"{POOL}/{u}", scheduled_state(u), due(u)).changes for u in ("a", "b", "c", "d")}
    assert results == {"a": True, "b": True, "c": False, "d": False}
    assert capped.diff(f"{POOL}/c", scheduled_state("c"), due("c")).changes is False  # asked again: same answer
    warnings = capsys.readouterr().err.splitlines()
    assert [w.split(" is due")[0] for w in warnings] == [f"warning: CognitoPasswordReset: {POOL}/c",
                                                         f"warning: CognitoPasswordReset: {POOL}/d"]
    assert "(2 waiting so far)" in warnings[1] and f"stack config {KEY} is 2" in warnings[1]
    # A change still gets its own slots: the schedule filling the cap makes no change fail.
    assert capped.diff(f"{POOL}/e", scheduled_state("e"), due("e", rotation_trigger="t2")).changes is True


def test_warnings_written_by_concurrent_calls_each_keep_a_line_of_their_own() -> None:
    # The host serves up to four calls at once; the engine shows its stderr line by line. Found by
    # bench/nights.py: with print(), two warnings written together shared one line.
    script = ("import threading\n"
              "from cognito_password_reset.provider import _warn\n"
              "def go(t):\n"
              "    for k in range(1000):\n"
              "        _warn(f'CognitoPasswordReset: t{t}-{k} is due')\n"
              "threads = [threading.Thread(target=go, args=(t,)) for t in range(4)]\n"
              "for t in threads: t.start()\n"
              "for t in threads: t.join()\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    lines = done.stderr.split("\n")
    assert lines[-1] == "" and len(lines) == 4001
    broken = [line for line in lines[:-1] if not re.fullmatch(r"warning: CognitoPasswordReset: t\d-\d+ is due", line)]
    assert broken == []


def test_update_of_a_deferred_user_records_the_rest_and_keeps_it_due(
        capped: CognitoPasswordResetProvider, pool: Pool, calls: list[ApiCall]) -> None:
    for name in ("a", "b", "c"):
        pool.user(name)
    olds = {u: {**scheduled_state(u), "user_pool_id": pool.id} for u in ("a", "b", "c")}
    news = {u: {**due(u), "user_pool_id": pool.id, "client_metadata": {"reason": "new text"}} for u in olds}
    outs = {}
    for u in olds:
        assert capped.diff(f"{pool.id}/{u}", olds[u], news[u]).changes is True  # metadata changed for all
        outs[u] = capped.update(f"{pool.id}/{u}", olds[u], news[u]).outs or {}
    assert [c.params["Username"] for c in resets(calls)] == ["a", "b"]
    assert [outs[u]["rotation_window"] for u in "abc"] == ["2026-12-01", "2026-12-01", "2026-09-02"]
    assert outs["c"]["reset_at"] == olds["c"]["reset_at"] and outs["c"]["client_metadata"] == {"reason": "new text"}
