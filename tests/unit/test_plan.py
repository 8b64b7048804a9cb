"""The diff table as pure functions: stored outputs and new inputs in, a plan out."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import Unknown

from cognito_password_reset import plan
from cognito_password_reset.plan import Action, Cause

U = Unknown()
OLD: dict[str, Any] = {
    "user_pool_id": "us-east-1_abc", "username": "alice", "client_metadata": {"reason": "rotation"},
    "rotation_trigger": "2026-11", "reset_on_create": True, "reset_at": "2026-11-01T00:00:00Z",
    "user_status": "RESET_REQUIRED", "__provider": "P1",
}


def news(**changes: Any) -> dict[str, Any]:
    new = {k: OLD[k] for k in ("user_pool_id", "username", "client_metadata", "rotation_trigger",
                               "reset_on_create", "__provider")}
    for key, value in changes.items():
        if value is None:
            new.pop(key, None)  # the provider host drops None-valued keys
        else:
            new[key] = value
    return new


@pytest.mark.parametrize(("new", "action", "replaces", "resets"), [
    pytest.param(news(), Action.NONE, (), False, id="nothing changed"),
    pytest.param(news(rotation_trigger="2026-12"), Action.UPDATE, (), True, id="trigger"),
    pytest.param(news(rotation_trigger=None), Action.UPDATE, (), True, id="trigger removed"),
    pytest.param(news(client_metadata={"reason": "other"}), Action.UPDATE, (), False, id="metadata"),
    pytest.param(news(client_metadata=None), Action.UPDATE, (), False, id="metadata removed"),
    pytest.param(news(reset_on_create=False), Action.UPDATE, (), False, id="reset_on_create"),
    pytest.param(news(client_metadata={"a": "b"}, reset_on_create=False), Action.UPDATE, (), False,
                 id="metadata and reset_on_create"),
    pytest.param(news(__provider="P2"), Action.UPDATE, (), False, id="serialized provider only"),
    pytest.param(news(username="bob"), Action.REPLACE, ("username",), True, id="username"),
    pytest.param(news(user_pool_id="us-east-1_xyz"), Action.REPLACE, ("user_pool_id",), True, id="pool"),
    pytest.param(news(username="bob", reset_on_create=False), Action.REPLACE, ("username",), False,
                 id="username, replacement adopts"),
    pytest.param(news(username="bob", rotation_trigger="x"), Action.REPLACE, ("username",), True,
                 id="username and trigger"),
    pytest.param(news(user_pool_id=U, username=U), Action.REPLACE, ("user_pool_id", "username"), True,
                 id="unknown pool and username"),
    pytest.param(news(rotation_trigger=U), Action.UPDATE, (), True, id="unknown trigger"),
    pytest.param(news(client_metadata={"reason": U}), Action.UPDATE, (), False, id="unknown metadata value"),
    pytest.param(news(client_metadata=U), Action.UPDATE, (), False, id="unknown metadata"),
    # global_sign_out: a record; the sign-out belongs to a reset (old state has no such key: false).
    pytest.param(news(global_sign_out=False), Action.NONE, (), False, id="global_sign_out false as before"),
    pytest.param(news(global_sign_out=True), Action.UPDATE, (), False, id="global_sign_out turned on: no reset"),
    pytest.param(news(global_sign_out=U), Action.UPDATE, (), False, id="unknown global_sign_out: no reset"),
    pytest.param(news(global_sign_out=True, rotation_trigger="x"), Action.UPDATE, (), True,
                 id="global_sign_out and trigger: the trigger resets"),
])
def test_plan(new: dict[str, Any], action: Action, replaces: tuple[str, ...], resets: bool) -> None:
    p = plan.plan(OLD, new)
    assert (p.action, p.replaces, p.resets) == (action, replaces, resets)


@pytest.mark.parametrize(("old", "new"), [
    pytest.param({"reset_on_create": True}, {}, id="absent reset_on_create means true"),
    pytest.param({}, {"reset_on_create": True}, id="old state without reset_on_create"),
    pytest.param({"client_metadata": {}}, {}, id="empty metadata equals none"),
    pytest.param({}, {"global_sign_out": False}, id="old state without global_sign_out"),
    pytest.param({"global_sign_out": False}, {}, id="absent global_sign_out means false"),
])
def test_equivalent_values_plan_nothing(old: dict[str, Any], new: dict[str, Any]) -> None:
    base = {"user_pool_id": "us-east-1_abc", "username": "alice"}
    assert plan.plan({**base, **old}, {**base, **new}).action is Action.NONE


def test_changed_lists_every_difference_in_schema_order() -> None:
    p = plan.plan(OLD, news(rotation_trigger="x", client_metadata={"a": "b"}, __provider="P2"))
    assert p.changed == ("rotation_trigger", "client_metadata", "__provider")
    # A replacement lists every difference too, the replacing keys first; no change lists none.
    p = plan.plan(OLD, news(username="bob", rotation_trigger="x"))
    assert (p.changed, p.replaces) == (("username", "rotation_trigger"), ("username",))
    assert plan.plan(OLD, news()).changed == ()


def test_outputs_have_every_key_even_unset_ones() -> None:
    outs = plan.outputs({"user_pool_id": "us-east-1_abc", "username": "alice"}, reset_at=None, user_status=None,
                        signed_out_at=None)
    assert outs == {"user_pool_id": "us-east-1_abc", "username": "alice", "client_metadata": None,
                    "rotation_trigger": None, "reset_on_create": True, "rotate_after_days": None,
                    "global_sign_out": False, "rotation_window": None, "reset_at": None, "user_status": None,
                    "signed_out_at": None}


def test_outputs_record_the_sign_out() -> None:
    outs = plan.outputs({"user_pool_id": "us-east-1_abc", "username": "alice", "global_sign_out": True},
                        reset_at="2026-11-01T00:00:00Z", user_status="RESET_REQUIRED",
                        signed_out_at="2026-11-01T00:00:00Z")
    assert (outs["global_sign_out"], outs["signed_out_at"]) == (True, "2026-11-01T00:00:00Z")


@pytest.mark.parametrize(("props", "signs_out"), [
    pytest.param({}, False, id="unset: false"),
    pytest.param({"global_sign_out": None}, False, id="None: false"),
    pytest.param({"global_sign_out": False}, False, id="false"),
    pytest.param({"global_sign_out": True}, True, id="true"),
    pytest.param({"global_sign_out": U}, False, id="unknown: never known to sign out"),
])
def test_a_reset_signs_out_only_when_global_sign_out_is_true(props: dict[str, Any], signs_out: bool) -> None:
    assert plan.signs_out(props) is signs_out


# --- the schedule: rotate_after_days and the window Check computes -----------------------------

SCHEDULED: dict[str, Any] = {**OLD, "rotate_after_days": 90, "rotation_window": "2026-09-02",
                              "reset_at": "2026-09-02T03:00:00Z"}
"""Reset by the schedule on the first night of its window, 2026-09-02; the next one starts 2026-12-01."""


def scheduled(**changes: Any) -> dict[str, Any]:
    """New inputs of a scheduled resource, as Check returns them (None removes a key)."""
    return news(**{"rotate_after_days": 90, "rotation_window": "2026-09-02", **changes})


@pytest.mark.parametrize(("old", "new", "action", "resets"), [
    pytest.param(SCHEDULED, scheduled(), Action.NONE, False, id="same window"),
    pytest.param(SCHEDULED, scheduled(rotation_window="2026-12-01"), Action.UPDATE, True, id="next window"),
    pytest.param(SCHEDULED, scheduled(rotation_window="2027-05-30"), Action.UPDATE, True,
                 id="several missed windows: one update, one reset"),
    pytest.param(SCHEDULED, scheduled(rotation_window="2026-12-01", rotation_trigger="2026-12"), Action.UPDATE,
                 True, id="new window and new trigger: one update, one reset"),
    pytest.param(SCHEDULED, scheduled(rotation_trigger="2026-12"), Action.UPDATE, True,
                 id="new trigger inside the window"),
    pytest.param(OLD, scheduled(), Action.UPDATE, False, id="schedule added"),
    pytest.param(SCHEDULED, scheduled(rotate_after_days=30, rotation_window="2026-11-20"), Action.UPDATE, False,
                 id="period changed, window moves"),
    pytest.param(SCHEDULED, scheduled(rotate_after_days=30), Action.UPDATE, False, id="period changed, same window"),
    pytest.param(SCHEDULED, scheduled(rotate_after_days=None, rotation_window=None), Action.UPDATE, False,
                 id="schedule removed"),
    pytest.param(SCHEDULED, scheduled(rotation_window="2026-06-04"), Action.UPDATE, False,
                 id="earlier window (a clock behind): recorded, never reset"),
    pytest.param({**SCHEDULED, "rotation_window": None}, scheduled(), Action.UPDATE, False,
                 id="a window where there was none: recorded"),
    pytest.param(SCHEDULED, scheduled(rotation_window=U), Action.UPDATE, True, id="unknown window may be due"),
    pytest.param(SCHEDULED, scheduled(rotate_after_days=U, rotation_window=U), Action.UPDATE, False,
                 id="unknown period: a schedule change, no reset"),
    pytest.param(SCHEDULED, scheduled(username="bob", rotation_window="2026-10-10"), Action.REPLACE, True,
                 id="username: replace, which resets on create"),
    pytest.param(SCHEDULED, scheduled(rotation_window="2026-12-01", reset_on_create=False), Action.UPDATE, True,
                 id="reset_on_create false does not stop a scheduled reset"),
])
def test_schedule_plan(old: dict[str, Any], new: dict[str, Any], action: Action, resets: bool) -> None:
    p = plan.plan(old, new)
    assert (p.action, p.resets) == (action, resets)


@pytest.mark.parametrize(("old", "new", "action", "cause"), [
    pytest.param(SCHEDULED, scheduled(rotation_trigger="2026-12"), Action.UPDATE, Cause.CHANGE, id="trigger"),
    pytest.param(SCHEDULED, scheduled(rotation_window="2026-12-01"), Action.UPDATE, Cause.SCHEDULE,
                 id="window alone"),
    pytest.param(SCHEDULED, scheduled(rotation_window="2026-12-01", rotation_trigger="x"), Action.UPDATE,
                 Cause.CHANGE, id="window and trigger: the change"),
    pytest.param(SCHEDULED, scheduled(username="bob"), Action.REPLACE, Cause.CHANGE, id="replacement"),
    pytest.param(SCHEDULED, scheduled(rotation_window=U), Action.UPDATE, Cause.SCHEDULE, id="unknown window"),
    pytest.param(SCHEDULED, scheduled(client_metadata={"a": "b"}), Action.UPDATE, None, id="record only"),
])
def test_the_cause_of_a_reset(old: dict[str, Any], new: dict[str, Any], action: Action, cause: Cause | None) -> None:
    p = plan.plan(old, new)
    assert (p.action, p.cause, p.resets) == (action, cause, cause is not None)


NEXT = "2026-12-01"


def last_reset(at: str, **extra: Any) -> dict[str, Any]:
    return {**SCHEDULED, "reset_at": at, **extra}


@pytest.mark.parametrize(("old", "new", "action", "cause"), [
    pytest.param(last_reset("2026-10-17T00:00:00Z"), scheduled(rotation_window=NEXT), Action.UPDATE, Cause.SCHEDULE,
                 id="P=90: last reset exactly 45 days before the window start: due"),
    pytest.param(last_reset("2026-10-17T00:00:01Z"), scheduled(rotation_window=NEXT), Action.NONE, None,
                 id="P=90: a second under 45 days: the window is skipped, no step"),
    pytest.param(last_reset("2026-11-30T15:00:00Z"), scheduled(rotation_window=NEXT), Action.NONE, None,
                 id="rotated by hand this afternoon: not again tonight"),
    pytest.param(last_reset("2026-12-01T00:00:00Z"), scheduled(rotation_window=NEXT), Action.NONE, None,
                 id="reset at the very start of the window"),
    pytest.param(last_reset("2026-11-30T15:00:00Z"), scheduled(rotation_window="2027-03-01"), Action.UPDATE,
                 Cause.SCHEDULE, id="the window after the skipped one resets"),
    pytest.param(last_reset("2026-11-30T15:00:00Z"), scheduled(rotation_window=NEXT, client_metadata={"a": "b"}),
                 Action.UPDATE, None, id="skipped window and a metadata change: a record, no reset"),
    pytest.param(last_reset("2026-11-30T15:00:00Z"), scheduled(rotation_window=NEXT, rotation_trigger="x"),
                 Action.UPDATE, Cause.CHANGE, id="skipped window and a new trigger: the change resets"),
    pytest.param(last_reset("2026-11-30T15:00:00Z"), scheduled(rotation_window=U), Action.UPDATE, Cause.SCHEDULE,
                 id="unknown window: may be due"),
    pytest.param({**SCHEDULED, "reset_at": None}, scheduled(rotation_window=NEXT), Action.UPDATE, Cause.SCHEDULE,
                 id="never reset (adopted): due"),
    pytest.param(last_reset("yesterday"), scheduled(rotation_window=NEXT), Action.UPDATE, Cause.SCHEDULE,
                 id="a reset_at not in our format counts as none"),
    pytest.param(last_reset("2026-11-27T12:00:00Z", rotate_after_days=7, rotation_window="2026-11-24"),
                 scheduled(rotate_after_days=7, rotation_window=NEXT), Action.UPDATE, Cause.SCHEDULE,
                 id="P=7: exactly 3.5 days before: due"),
    pytest.param(last_reset("2026-11-27T12:00:01Z", rotate_after_days=7, rotation_window="2026-11-24"),
                 scheduled(rotate_after_days=7, rotation_window=NEXT), Action.NONE, None,
                 id="P=7: a second under 3.5 days: skipped"),
    pytest.param(last_reset("2026-11-30T15:00:00Z"), scheduled(rotate_after_days=30, rotation_window=NEXT),
                 Action.UPDATE, None, id="period changed: recorded, as always"),
])
def test_a_window_starting_less_than_half_a_period_after_the_last_reset_is_skipped(
        old: dict[str, Any], new: dict[str, Any], action: Action, cause: Cause | None) -> None:
    p = plan.plan(old, new)
    assert (p.action, p.cause) == (action, cause)
    if action is Action.NONE:
        assert p.changed == ()


def test_a_deferred_scheduled_reset_is_no_step_or_a_record_of_the_rest() -> None:
    due = plan.plan(SCHEDULED, scheduled(rotation_window=NEXT))
    assert plan.deferred(due) == plan.Plan(Action.NONE, (), (), None)
    both = plan.plan(SCHEDULED, scheduled(rotation_window=NEXT, client_metadata={"a": "b"}))
    assert plan.deferred(both) == plan.Plan(Action.UPDATE, ("client_metadata",), (), None)
    change = plan.plan(SCHEDULED, scheduled(rotation_window=NEXT, rotation_trigger="x"))
    assert plan.deferred(change) == change  # a change is never put off


def test_an_update_records_the_stored_window_unless_the_plan_took_the_new_one() -> None:
    new = scheduled(rotation_window=NEXT, client_metadata={"a": "b"})
    taken = plan.plan(SCHEDULED, new)
    assert plan.recorded(taken, SCHEDULED, new)["rotation_window"] == NEXT
    put_off = plan.deferred(taken)
    assert plan.recorded(put_off, SCHEDULED, new) == {**new, "rotation_window": "2026-09-02"}
    skipped_old = last_reset("2026-11-30T15:00:00Z")
    assert plan.recorded(plan.plan(skipped_old, new), skipped_old, new)["rotation_window"] == "2026-09-02"


def test_a_scheduled_change_names_the_window() -> None:
    # What `pulumi preview` lists: the user is due because its window moved.
    assert plan.plan(SCHEDULED, scheduled(rotation_window="2026-12-01")).changed == ("rotation_window",)


def test_outputs_keep_the_schedule() -> None:
    outs = plan.outputs(scheduled(), reset_at="2026-09-02T01:00:00Z", user_status="RESET_REQUIRED",
                        signed_out_at=None)
    assert (outs["rotate_after_days"], outs["rotation_window"]) == (90, "2026-09-02")
