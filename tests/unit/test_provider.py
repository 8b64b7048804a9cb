"""The behaviour table, row by row, against Cognito as moto emulates it in-process.

moto ignores ClientMetadata and runs no Lambda trigger, so what the metadata becomes is
tested at the call (the recorded request) rather than in a message.
"""

from __future__ import annotations

import datetime
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from cognito_password_reset import plan, schema
from cognito_password_reset.provider import CognitoPasswordResetProvider
from tests.api_calls import ApiCall, resets

from .conftest import Pool

META = {"reason": "rotation", "ticket": "OPS-1"}


def inputs(pool: Pool, username: str, **extra: Any) -> dict[str, Any]:
    result = CognitoPasswordResetProvider().check({}, {
        "user_pool_id": pool.id, "username": username, "__provider": "P", **extra})
    assert result.failures == []
    return result.inputs


def created(provider: CognitoPasswordResetProvider, props: dict[str, Any]) -> dict[str, Any]:
    result = provider.create(props)
    assert result.outs is not None
    return {**result.outs, "__provider": props["__provider"]}


def test_create_resets_once_with_client_metadata(provider: CognitoPasswordResetProvider, pool: Pool,
                                                 calls: list[ApiCall]) -> None:
    pool.user("alice")
    result = provider.create(inputs(pool, "alice", client_metadata=META, rotation_trigger="t1"))

    assert resets(calls) == [ApiCall("AdminResetUserPassword",
                                     {"UserPoolId": pool.id, "Username": "alice", "ClientMetadata": META})]
    assert pool.status("alice") == "RESET_REQUIRED"
    assert result.id == f"{pool.id}/alice"
    outs = result.outs or {}
    assert outs["user_status"] == "RESET_REQUIRED"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", outs["reset_at"])
    assert {k: outs[k] for k in ("user_pool_id", "username", "client_metadata", "rotation_trigger",
                                 "reset_on_create")} == {
        "user_pool_id": pool.id, "username": "alice", "client_metadata": META, "rotation_trigger": "t1",
        "reset_on_create": True}


@pytest.fixture
def far_from_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The host's local time zone is UTC+14 (Kiribati), so local time and UTC are on different days."""
    monkeypatch.setenv("TZ", "Etc/GMT-14")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("far_from_utc")
def test_reset_at_is_utc_whatever_the_hosts_time_zone(provider: CognitoPasswordResetProvider, pool: Pool) -> None:
    pool.user("alice")
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    outs = provider.create(inputs(pool, "alice")).outs or {}
    after = datetime.datetime.now(datetime.timezone.utc)
    reset_at = datetime.datetime.strptime(outs["reset_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    assert before <= reset_at <= after


def test_create_without_metadata_sends_none(provider: CognitoPasswordResetProvider, pool: Pool,
                                            calls: list[ApiCall]) -> None:
    pool.user("alice")
    provider.create(inputs(pool, "alice"))
    assert resets(calls) == [ApiCall("AdminResetUserPassword", {"UserPoolId": pool.id, "Username": "alice"})]


def test_create_with_reset_on_create_false_adopts_without_any_call(
        provider: CognitoPasswordResetProvider, pool: Pool, calls: list[ApiCall]) -> None:
    pool.user("alice")
    outs = provider.create(inputs(pool, "alice", reset_on_create=False)).outs or {}
    assert calls == []
    assert pool.status("alice") == "CONFIRMED"
    assert outs["reset_at"] is None and outs["user_status"] is None and outs["reset_on_create"] is False


def test_trigger_change_updates_in_place_with_one_reset(provider: CognitoPasswordResetProvider, pool: Pool,
                                                        calls: list[ApiCall]) -> None:
    pool.user("alice")
    old = created(provider, inputs(pool, "alice", rotation_trigger="t1", client_metadata=META))
    # An earlier reset, as a stack written yesterday holds it: the rotation must move it.
    old = {**old, "reset_at": "2020-01-01T00:00:00Z", "user_status": "CONFIRMED"}
    calls.clear()
    rotated = {"reason": "quarterly rotation", "ticket": "OPS-2"}
    new = inputs(pool, "alice", rotation_trigger="t2", client_metadata=rotated)
    assert plan.plan(old, new).action is plan.Action.UPDATE

    outs = provider.update(old["username"], old, new).outs or {}
    # The rotation sends the NEW metadata (the message the user gets is about this rotation).
    assert resets(calls) == [ApiCall("AdminResetUserPassword",
                                     {"UserPoolId": pool.id, "Username": "alice", "ClientMetadata": rotated})]
    assert outs["rotation_trigger"] == "t2" and outs["client_metadata"] == rotated
    assert outs["reset_at"] > old["reset_at"] and outs["user_status"] == "RESET_REQUIRED"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", outs["reset_at"])
    assert set(outs) == set(plan.outputs({}, reset_at=None, user_status=None, signed_out_at=None))


def test_metadata_or_reset_on_create_change_records_without_calls(
        provider: CognitoPasswordResetProvider, pool: Pool, calls: list[ApiCall]) -> None:
    pool.user("alice")
    old = created(provider, inputs(pool, "alice", rotation_trigger="t1", client_metadata=META))
    calls.clear()
    new = inputs(pool, "alice", rotation_trigger="t1", client_metadata={"reason": "new"}, reset_on_create=False)

    outs = provider.update("id", old, new).outs or {}
    assert calls == []
    assert outs["client_metadata"] == {"reason": "new"} and outs["reset_on_create"] is False
    assert (outs["reset_at"], outs["user_status"]) == (old["reset_at"], old["user_status"])


def test_provider_only_change_updates_without_calls(provider: CognitoPasswordResetProvider, pool: Pool,
                                                    calls: list[ApiCall]) -> None:
    pool.user("alice")
    old = created(provider, inputs(pool, "alice", rotation_trigger="t1"))
    calls.clear()
    new = {**inputs(pool, "alice", rotation_trigger="t1"), "__provider": "P-next"}
    diff = provider.diff("id", old, new)
    assert (diff.changes, diff.replaces) == (True, [])
    outs = provider.update("id", old, new).outs or {}
    assert calls == []
    assert outs["reset_at"] == old["reset_at"]


def test_same_inputs_plan_no_change(provider: CognitoPasswordResetProvider, pool: Pool) -> None:
    pool.user("alice")
    old = created(provider, inputs(pool, "alice", rotation_trigger="t1", client_metadata=META))
    diff = provider.diff("id", old, inputs(pool, "alice", rotation_trigger="t1", client_metadata=META))
    assert diff.changes is False and diff.replaces == []


def test_username_change_replaces_and_delete_calls_nothing(provider: CognitoPasswordResetProvider, pool: Pool,
                                                           calls: list[ApiCall]) -> None:
    pool.user("alice")
    pool.user("bob")
    old = created(provider, inputs(pool, "alice"))
    diff = provider.diff("id", old, inputs(pool, "bob"))
    assert (diff.changes, diff.replaces, diff.delete_before_replace) == (True, ["username"], False)

    calls.clear()
    provider.create(inputs(pool, "bob"))
    provider.delete(f"{pool.id}/alice", old)
    # The replacement looks at bob's status, then resets bob; deleting alice calls nothing.
    assert [(c.operation, c.params["Username"]) for c in calls] == [("AdminGetUser", "bob"),
                                                                    ("AdminResetUserPassword", "bob")]
    assert pool.status("bob") == "RESET_REQUIRED"


def test_delete_leaves_the_user_as_it_is(provider: CognitoPasswordResetProvider, pool: Pool,
                                         calls: list[ApiCall]) -> None:
    pool.user("alice")
    outs = created(provider, inputs(pool, "alice", reset_on_create=False))
    provider.delete("id", outs)
    assert calls == []
    assert pool.status("alice") == "CONFIRMED"


def test_refresh_records_status_and_changes_nothing_else(provider: CognitoPasswordResetProvider, pool: Pool,
                                                         calls: list[ApiCall]) -> None:
    pool.user("alice")
    old = created(provider, inputs(pool, "alice", reset_on_create=False, client_metadata=META))
    result = provider.read(f"{pool.id}/alice", old)

    assert [c.operation for c in calls] == ["AdminGetUser"]
    assert result.id == f"{pool.id}/alice"
    assert result.inputs is None  # stored inputs stay as they are
    outs = result.outs or {}
    assert outs["user_status"] == "CONFIRMED"
    assert {k: v for k, v in outs.items() if k != "user_status"} == {
        k: v for k, v in old.items() if k not in ("user_status", "__provider")}
    refreshed = {**outs, "__provider": old["__provider"]}
    assert provider.diff("id", refreshed, inputs(pool, "alice", reset_on_create=False,
                                                 client_metadata=META)).changes is False


def test_refresh_drops_a_deleted_user(provider: CognitoPasswordResetProvider, pool: Pool) -> None:
    pool.user("alice")
    old = created(provider, inputs(pool, "alice"))
    pool.client.admin_delete_user(UserPoolId=pool.id, Username="alice")
    result = provider.read("id", old)
    assert result.id is None and result.outs == {}


def test_refresh_keeps_the_resource_when_the_pool_is_not_found(provider: CognitoPasswordResetProvider,
                                                                 pool: Pool, calls: list[ApiCall]) -> None:
    # Deleted, or (as likely) the refresh reached another account: either way the user may still
    # be there, and dropping the resource would make the next up reset it again.
    pool.user("alice")
    old = created(provider, inputs(pool, "alice", rotation_trigger="t1", client_metadata=META))
    pool.client.delete_user_pool(UserPoolId=pool.id)
    calls.clear()

    result = provider.read(f"{pool.id}/alice", old)

    assert result.id == f"{pool.id}/alice"
    outs = result.outs or {}
    assert outs["user_status"] == schema.POOL_NOT_FOUND == "POOL_NOT_FOUND"
    assert {k: v for k, v in outs.items() if k != "user_status"} == {
        k: v for k, v in old.items() if k not in ("user_status", "__provider")}
    refreshed = {**outs, "__provider": old["__provider"]}
    diff = provider.diff("id", refreshed, inputs(pool, "alice", rotation_trigger="t1", client_metadata=META))
    assert (diff.changes, diff.replaces) == (False, [])
    assert resets(calls) == []


# --- global_sign_out: each reset signs the user out everywhere first, and nothing else does ------

SIGN_OUT, RESET = "AdminUserGlobalSignOut", "AdminResetUserPassword"


@pytest.mark.parametrize(("extra", "operations"), [
    pytest.param({"global_sign_out": True}, ["AdminGetUser", SIGN_OUT, RESET],
                 id="reset with sign-out: the user's status, then sign-out first"),
    pytest.param({}, ["AdminGetUser", RESET], id="default: no sign-out"),
    pytest.param({"global_sign_out": True, "reset_on_create": False}, [], id="adoption: no reset, no sign-out"),
])
def test_create(provider: CognitoPasswordResetProvider, pool: Pool, calls: list[ApiCall],
                extra: dict[str, Any], operations: list[str]) -> None:
    pool.user("alice")
    outs = provider.create(inputs(pool, "alice", **extra)).outs or {}
    assert [c.operation for c in calls] == operations
    assert all(c.params == {"UserPoolId": pool.id, "Username": "alice"} for c in calls)
    assert outs["global_sign_out"] is extra.get("global_sign_out", False)
    assert outs["signed_out_at"] == (outs["reset_at"] if SIGN_OUT in operations else None)


@pytest.mark.parametrize(("old", "new", "operations"), [
    pytest.param({"global_sign_out": True}, {"global_sign_out": True, "rotation_trigger": "t2"},
                 [SIGN_OUT, RESET], id="trigger change"),
    pytest.param({}, {"rotation_trigger": "t2"}, [RESET], id="trigger change without it"),
    pytest.param({}, {"global_sign_out": True}, [], id="turned on alone: nobody signed out"),
    pytest.param({"global_sign_out": True}, {}, [], id="turned off alone"),
    pytest.param({}, {"global_sign_out": True, "rotation_trigger": "t2"}, [SIGN_OUT, RESET],
                 id="turned on with a trigger change: this reset signs out"),
    pytest.param({"global_sign_out": True}, {"rotation_trigger": "t2"}, [RESET],
                 id="turned off with a trigger change: this reset does not"),
    pytest.param({"global_sign_out": True}, {"global_sign_out": True, "client_metadata": {"a": "b"}}, [],
                 id="a record-only change"),
])
def test_update(provider: CognitoPasswordResetProvider, pool: Pool, calls: list[ApiCall],
                old: dict[str, Any], new: dict[str, Any], operations: list[str]) -> None:
    pool.user("alice")
    stored = created(provider, inputs(pool, "alice", rotation_trigger="t1", **old))
    # As a run some time ago wrote it, so that a new reset's or sign-out's time is visibly later.
    earlier = "2020-01-01T00:00:00Z"
    stored = {**stored, "reset_at": earlier, "signed_out_at": stored["signed_out_at"] and earlier}
    calls.clear()
    outs = provider.update("id", stored, inputs(pool, "alice", **{"rotation_trigger": "t1", **new})).outs or {}
    assert [c.operation for c in calls] == operations
    assert outs["global_sign_out"] is new.get("global_sign_out", False)
    if SIGN_OUT in operations:
        assert outs["signed_out_at"] == outs["reset_at"] > "2020"
    else:  # the last sign-out stays on record
        assert outs["signed_out_at"] == stored["signed_out_at"]


# --- the schedule: Check reads today's UTC date (the provider's one clock read) --------------

def checked_on(monkeypatch: Any, day: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
    import datetime

    from cognito_password_reset import provider as provider_module

    moment = datetime.datetime.fromisoformat(f"{day}T23:59:59+00:00")
    monkeypatch.setattr(provider_module, "_utcnow", lambda: moment)
    result = CognitoPasswordResetProvider().check(olds, news)
    assert result.failures == []
    return result.inputs


SCHEDULED = {"user_pool_id": "us-east-1_AbCdEf123", "username": "alice", "rotate_after_days": 90.0, "__provider": "P"}


def test_check_fills_the_window_from_todays_date(monkeypatch: Any) -> None:
    # alice's windows (P=90) start on 2026-10-15, 2027-01-13, ... (tests/unit/test_schedule.py)
    assert checked_on(monkeypatch, "2026-11-30", {}, SCHEDULED)["rotation_window"] == "2026-10-15"
    assert checked_on(monkeypatch, "2027-01-12", {}, SCHEDULED)["rotation_window"] == "2026-10-15"
    assert checked_on(monkeypatch, "2027-01-13", {}, SCHEDULED)["rotation_window"] == "2027-01-13"


def test_check_without_a_schedule_has_no_window_even_if_one_is_passed(monkeypatch: Any) -> None:
    news = {k: v for k, v in SCHEDULED.items() if k != "rotate_after_days"}
    assert "rotation_window" not in checked_on(monkeypatch, "2026-11-30", {}, {**news, "rotation_window": "x"})


def test_a_new_window_plans_a_reset_through_check_and_diff(monkeypatch: Any) -> None:
    provider = CognitoPasswordResetProvider()
    first = checked_on(monkeypatch, "2026-11-30", {}, SCHEDULED)
    # The host adds the provider.
    stored = {**plan.outputs(first, reset_at=None, user_status=None, signed_out_at=None), "__provider": "P"}
    same = checked_on(monkeypatch, "2027-01-12", first, SCHEDULED)
    assert provider.diff("id", stored, same).changes is False
    due = checked_on(monkeypatch, "2027-01-13", first, SCHEDULED)
    diff = provider.diff("id", stored, due)
    assert diff.changes is True and diff.replaces == []


def test_create_does_not_reset_a_user_already_waiting_for_a_reset(
        provider: CognitoPasswordResetProvider, pool: Pool, calls: list[ApiCall],
        capsys: pytest.CaptureFixture[str]) -> None:
    # Such a user has a code already: from a run cut short after its reset (the engine then creates
    # the resource again) or from someone else. Anyone else is reset (the test above).
    pool.user("alice")
    pool.client.admin_reset_user_password(UserPoolId=pool.id, Username="alice")
    calls.clear()
    outs = provider.create(inputs(pool, "alice")).outs or {}
    assert [c.operation for c in calls] == ["AdminGetUser"]
    assert (outs["reset_at"], outs["user_status"]) == (None, "RESET_REQUIRED")
    warned = capsys.readouterr().err
    assert f"{pool.id}/alice is already RESET_REQUIRED, so creating its resource resets nobody" in warned


def test_create_of_a_user_already_waiting_still_signs_it_out_when_asked(
        provider: CognitoPasswordResetProvider, pool: Pool, calls: list[ApiCall]) -> None:
    # No second code, but the sessions are still ended: a sign-out mails nobody (docs/reference.md).
    pool.user("alice")
    pool.client.admin_reset_user_password(UserPoolId=pool.id, Username="alice")
    calls.clear()
    outs = provider.create(inputs(pool, "alice", global_sign_out=True)).outs or {}
    assert [c.operation for c in calls] == ["AdminGetUser", SIGN_OUT]
    assert outs["reset_at"] is None and outs["signed_out_at"] is not None
