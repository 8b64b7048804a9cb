"""The reset rate limiter: spacing, thread safety, per-target limits, and its stack config.

Time is a fake clock that only the limiter's sleeps move, so every figure here is exact.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest

from cognito_password_reset import cognito, ratelimit
from cognito_password_reset.errors import ConfigError
from cognito_password_reset.provider import CognitoPasswordResetProvider
from tests.api_calls import resets

from .conftest import Pool


@dataclass
class FakeClock:
    """A monotonic clock that moves only when something sleeps on it (or a test advances it)."""

    now: float = 100.0
    advance_on_sleep: bool = True
    sleeps: list[float] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            if self.advance_on_sleep:
                self.now += seconds


def limiter(per_second: float, clock: FakeClock) -> ratelimit.RateLimiter:
    return ratelimit.RateLimiter(per_second, clock=clock, sleep=clock.sleep)


def test_calls_start_one_interval_apart_so_100_at_20_per_second_span_4_95_s() -> None:
    clock = FakeClock()
    limit = limiter(20, clock)
    starts = []
    for _ in range(100):
        limit.acquire()
        starts.append(clock.now)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) == pytest.approx(0.05)
    assert starts[-1] - starts[0] == pytest.approx(99 / 20)
    # In any one-second window no more calls start than the rate allows (1e-9: float sums).
    assert max(sum(1 for s in starts if t <= s < t + 1 - 1e-9) for t in starts) == 20


def test_first_call_and_calls_slower_than_the_rate_never_wait() -> None:
    clock = FakeClock()
    limit = limiter(10, clock)
    for _ in range(5):
        assert limit.acquire() == 0
        clock.now += 0.25
    assert clock.sleeps == []


def test_an_idle_limiter_banks_no_burst() -> None:
    clock = FakeClock()
    limit = limiter(10, clock)
    limit.acquire()
    clock.now += 60  # a long pause
    waits = [limit.acquire() for _ in range(3)]
    assert waits == pytest.approx([0, 0.1, 0.1])


def test_slots_reserved_together_start_at_once_and_hold_the_schedule_for_all_of_them() -> None:
    clock = FakeClock(advance_on_sleep=False)
    limit = limiter(4, clock)
    assert limit.acquire(slots=2) == 0  # a sign-out and its reset: both go now...
    assert limit.acquire() == pytest.approx(0.5)  # ...and the next call waits for both slots
    assert limit.acquire(slots=2) == pytest.approx(0.75)
    assert limit.acquire() == pytest.approx(1.25)


def test_threads_share_one_schedule_each_taking_its_own_slot() -> None:
    # The clock stands still: each thread's wait is its slot's distance from now, so 40
    # threads arriving together must get exactly the slots 0, 1/r, 2/r, ... once each.
    clock = FakeClock(advance_on_sleep=False)
    limit = limiter(30, clock)
    barrier = threading.Barrier(8)
    waits: list[float] = []
    waits_lock = threading.Lock()

    def worker() -> None:
        barrier.wait()
        for _ in range(5):
            wait = limit.acquire()
            with waits_lock:
                waits.append(wait)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(waits) == pytest.approx([i / 30 for i in range(40)])


def test_a_new_rate_applies_from_the_next_call() -> None:
    clock = FakeClock()
    limit = limiter(10, clock)
    limit.acquire()
    limit.acquire()
    limit.per_second = 2
    limit.acquire()
    assert clock.sleeps == pytest.approx([0.1, 0.1])  # the slot already taken keeps its spacing
    limit.acquire()
    assert clock.sleeps[-1] == pytest.approx(0.5)


@pytest.mark.parametrize("bad", [0, -1, float("inf"), float("nan")])
def test_a_limiter_needs_a_positive_finite_rate(bad: float) -> None:
    with pytest.raises(ValueError, match="positive, finite rate"):
        ratelimit.RateLimiter(bad)


def test_each_target_has_its_own_limiter_and_zero_means_no_limit() -> None:
    clock = FakeClock(advance_on_sleep=False)
    limiters = ratelimit.RateLimiters(clock=clock, sleep=clock.sleep)
    assert [limiters.acquire("us-east-1", 10) for _ in range(3)] == pytest.approx([0, 0.1, 0.2])
    assert [limiters.acquire("eu-west-1", 10) for _ in range(2)] == pytest.approx([0, 0.1])
    assert [limiters.acquire("us-east-1", ratelimit.OFF) for _ in range(50)] == [0] * 50
    assert limiters.acquire("us-east-1", 10) == pytest.approx(0.3)


def test_a_targets_limiter_takes_a_new_rate_from_the_next_call() -> None:
    clock = FakeClock(advance_on_sleep=False)
    limiters = ratelimit.RateLimiters(clock=clock, sleep=clock.sleep)
    assert [limiters.acquire("us-east-1", 10) for _ in range(2)] == pytest.approx([0, 0.1])
    # The slot already taken keeps its spacing; the one after it is spaced at the new rate.
    assert [limiters.acquire("us-east-1", 2) for _ in range(2)] == pytest.approx([0.2, 0.7])


RATE_KEYS = [(ratelimit.CONFIG_KEY, 30.0, "resets"), (ratelimit.READS_CONFIG_KEY, 50.0, "reads")]


@pytest.mark.parametrize(("key", "default", "what"), RATE_KEYS)
@pytest.mark.parametrize(("value", "expected"), [
    (None, None), ("", None), ("20", 20.0), (20, 20.0), ("2.5", 2.5), ("0.5", 0.5), (0.5, 0.5), ("0", 0.0),
    (0, 0.0), ("0.01", 0.01), ("1000", 1000.0),
])
def test_config_value(key: str, default: float, what: str, value: Any, expected: float | None) -> None:
    raw = {} if value is None else {key: value}
    rate = ratelimit.per_second_from_config(raw.get, key, default, what)
    assert rate == (default if expected is None else expected)


@pytest.mark.parametrize(("key", "default", "what"), RATE_KEYS)
@pytest.mark.parametrize("value", ["-1", "fast", "abc", "inf", "-inf", "nan", "1e-300", "0.001", "1001", "1e9",
                                   True, "true", [30]])
def test_a_bad_config_value_is_refused_naming_the_key_and_the_range(key: str, default: float, what: str,
                                                                    value: Any) -> None:
    with pytest.raises(ConfigError) as raised:
        ratelimit.per_second_from_config({key: value}.get, key, default, what)
    assert str(raised.value) == (
        f"CognitoPasswordReset: stack config {key} must be 0 (no limit) or a number of {what} per second "
        f"from 0.01 to 1000 (the default is {default:g}); got {value!r}")


@pytest.mark.parametrize(("key", "default", "what"), RATE_KEYS)
def test_a_bad_rate_fails_configure_so_preview_reports_it(key: str, default: float, what: str) -> None:
    with pytest.raises(ConfigError) as raised:
        configured("p", {key: "1e-300"})
    # The whole sentence, as configure says it: each key names its own calls and default.
    assert str(raised.value) == (
        f"CognitoPasswordReset: stack config {key} must be 0 (no limit) or a number of {what} per second "
        f"from 0.01 to 1000 (the default is {default:g}); got '1e-300'")


def configured(project: str, raw: dict[str, Any]) -> CognitoPasswordResetProvider:
    provider = CognitoPasswordResetProvider()
    provider.configure(ConfigureRequest(Config(raw_config=raw, project_name=project)))
    return provider


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """A fake clock behind the process-wide limiters, so resets through the provider wait on it."""
    fake = FakeClock(advance_on_sleep=False)
    monkeypatch.setattr(ratelimit, "LIMITERS", ratelimit.RateLimiters(clock=fake, sleep=fake.sleep))
    return fake


def reset_all(provider: CognitoPasswordResetProvider, pool: Pool, usernames: list[str]) -> None:
    # A new trigger: the reset alone (a create first looks at the user's status, a read).
    for name in usernames:
        old = {"user_pool_id": pool.id, "username": name, "reset_on_create": True, "rotation_trigger": "t1"}
        provider.update(f"{pool.id}/{name}", old, {**old, "rotation_trigger": "t2"})


@pytest.mark.parametrize("project", ["cognito-password-reset", "someone-elses-stack"])
def test_provider_reads_the_rate_from_the_package_key_in_any_project(
        project: str, pool: Pool, calls: list[Any], clock: FakeClock) -> None:
    names = [pool.user(f"user{i}") for i in range(4)]
    provider = configured(project, {ratelimit.CONFIG_KEY: "4"})
    reset_all(provider, pool, names)
    assert len(resets(calls)) == 4
    assert clock.sleeps == pytest.approx([0.25, 0.5, 0.75])


def test_provider_defaults_to_cognitos_quota(pool: Pool, calls: list[Any], clock: FakeClock) -> None:
    names = [pool.user(f"user{i}") for i in range(3)]
    reset_all(configured("p", {}), pool, names)
    assert clock.sleeps == pytest.approx([1 / 30, 2 / 30])


def test_zero_turns_the_limit_off(pool: Pool, calls: list[Any], clock: FakeClock) -> None:
    names = [pool.user(f"user{i}") for i in range(5)]
    reset_all(configured("p", {ratelimit.CONFIG_KEY: "0"}), pool, names)
    assert len(resets(calls)) == 5
    assert clock.sleeps == []


def test_a_reset_that_signs_out_takes_two_slots_with_no_wait_between_its_calls(
        pool: Pool, calls: list[Any], clock: FakeClock) -> None:
    names = [pool.user(f"user{i}") for i in range(3)]
    # Reads off, so the waits below are the resets' schedule alone (a create reads the status first).
    provider = configured("p", {ratelimit.CONFIG_KEY: "4", ratelimit.READS_CONFIG_KEY: "0"})
    for name in names:
        provider.create({"user_pool_id": pool.id, "username": name, "reset_on_create": True, "global_sign_out": True})
    assert [c.operation for c in calls] == ["AdminGetUser", "AdminUserGlobalSignOut", "AdminResetUserPassword"] * 3
    # One wait per pair, before its sign-out; the pair holds two slots (0.5 s at 4 a second), so
    # sign-outs and resets together stay at 4 a second.
    assert clock.sleeps == pytest.approx([0.5, 1.0])


def test_reads_have_their_own_rate_and_schedule(pool: Pool, calls: list[Any], clock: FakeClock) -> None:
    pool.user("alice")
    provider = configured("p", {ratelimit.CONFIG_KEY: "1", ratelimit.READS_CONFIG_KEY: "4"})
    for _ in range(3):
        provider.read(f"{pool.id}/alice", {"user_pool_id": pool.id, "username": "alice"})
    assert clock.sleeps == pytest.approx([0.25, 0.5])  # held to 4 reads a second, not 1
    # A reset does not queue behind the reads (nor would a read behind resets): its own schedule.
    reset_all(provider, pool, [pool.user("bob")])
    assert clock.sleeps == pytest.approx([0.25, 0.5])


def test_reads_default_to_50_per_second_and_zero_turns_them_off(pool: Pool, calls: list[Any],
                                                                clock: FakeClock) -> None:
    pool.user("alice")
    props = {"user_pool_id": pool.id, "username": "alice"}
    default = configured("p", {})
    for _ in range(3):
        default.read(f"{pool.id}/alice", props)
    assert clock.sleeps == pytest.approx([1 / 50, 2 / 50])
    clock.sleeps.clear()
    off = configured("p", {ratelimit.READS_CONFIG_KEY: "0"})
    for _ in range(20):
        off.read(f"{pool.id}/alice", props)
    assert clock.sleeps == []
    assert [c.operation for c in calls] == ["AdminGetUser"] * 23


def test_the_rate_is_not_pickled_with_the_provider() -> None:
    from pulumi.dynamic.dynamic import serialize_provider

    provider = configured("p", {ratelimit.CONFIG_KEY: "7"})
    assert serialize_provider(provider) == serialize_provider(CognitoPasswordResetProvider())


def test_settings_carry_the_rates_per_target() -> None:
    settings = cognito.AwsSettings.from_config({ratelimit.CONFIG_KEY: "12", ratelimit.READS_CONFIG_KEY: "7",
                                                "aws:profile": "ops"}.get)
    assert (settings.max_resets_per_second, settings.max_reads_per_second) == (12, 7)
    assert settings == cognito.AwsSettings(profile="ops", max_resets_per_second=12, max_reads_per_second=7)


@pytest.mark.parametrize(("reads", "interval"), [(None, 1 / 25), ("10", 1 / 10), ("100", 1 / 25), ("0", None)])
def test_a_selection_pages_at_the_read_rate_held_under_the_user_list_quota(
        pool: Pool, clock: FakeClock, reads: str | None, interval: float | None) -> None:
    # ListUsers and ListUsersInGroup are Cognito's UserList category: 30 a second, not adjustable.
    from cognito_password_reset import pool_users

    for i in range(121):  # three pages of 60
        pool.user(f"user{i:03}", confirmed=False)
    config = {} if reads is None else {ratelimit.READS_CONFIG_KEY: reads}
    assert len(pool_users(pool.id, config=config)) == 121
    assert clock.sleeps == ([] if interval is None else pytest.approx([interval, 2 * interval]))


@pytest.mark.parametrize(("reads", "lists"), [(50.0, 25.0), (25.0, 25.0), (10.0, 10.0), (0.5, 0.5), (0.0, 0.0)])
def test_list_rate_is_the_read_rate_never_above_25(reads: float, lists: float) -> None:
    assert ratelimit.list_rate(reads) == lists
