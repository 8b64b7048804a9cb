"""pool_users: the users Cognito selects (a group's members, or the pool's users through a filter).

Against moto in-process: every page is read, the answer is sorted, a failed read is a sentence
naming the pool and the group, never an empty list. Answers moto cannot give (access denied,
throttling after retries) are fed to the real client through botocore's Stubber. What moto cannot
show: it accepts a Limit over 60 (real Cognito refuses it), and it matches cognito:user_status
case-sensitively (Cognito documents it as case-insensitive).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import botocore.session
import pytest
from botocore.stub import Stubber

from cognito_password_reset import CognitoPasswordResetError, SelectionError, cognito, pool_users, ratelimit
from cognito_password_reset.cognito import AwsSettings, ClientCache, Cognito, Target
from cognito_password_reset.selection import SEARCHABLE_ATTRIBUTES, program_config
from tests.api_calls import ApiCall
from tests.cognito_pool import Pool

from .conftest import REGION

NO_CONFIG: dict[str, str] = {}
"""No stack config: boto3's own chain (the tests' fake keys, moto in-process)."""
NOWHERE = {"aws:endpoints": '[{"cognitoidp": "http://127.0.0.1:9"}]'}
"""An endpoint nothing answers: a call that should never be made reaches no AWS even if it is."""


def group_of(pool: Pool, group: str, usernames: list[str]) -> None:
    pool.client.create_group(UserPoolId=pool.id, GroupName=group)
    for username in usernames:
        pool.user(username, confirmed=False)
        pool.client.admin_add_user_to_group(UserPoolId=pool.id, Username=username, GroupName=group)


def failure(*args: Any, **kwargs: Any) -> str:
    with pytest.raises(CognitoPasswordResetError) as raised:
        pool_users(*args, config=NO_CONFIG, **kwargs)
    text = str(raised.value)
    assert raised.value.__cause__ is None and text.count("\n") == 0 and text.endswith(".")
    return text


def test_every_member_of_a_group_is_read_page_after_page(pool: Pool, calls: list[ApiCall]) -> None:
    members = [f"member-{i:03}" for i in range(125)]
    group_of(pool, "contractors", members)
    pool.user("outsider")
    calls.clear()

    assert pool_users(pool.id, "contractors", config=NO_CONFIG) == members
    # Three pages of at most 60 (the most Cognito's Limit takes), each asking for the next.
    assert [c.operation for c in calls] == ["ListUsersInGroup"] * 3
    assert [c.params["Limit"] for c in calls] == [60, 60, 60]
    assert "NextToken" not in calls[0].params and calls[1].params["NextToken"] != calls[2].params["NextToken"]


def test_all_users_of_a_pool_are_read_page_after_page(pool: Pool, calls: list[ApiCall]) -> None:
    users = [f"user-{i:03}" for i in range(61)]
    for username in users:
        pool.user(username, confirmed=False)
    calls.clear()

    assert pool_users(pool.id, config=NO_CONFIG) == users
    assert [(c.operation, c.params["Limit"], "PaginationToken" in c.params) for c in calls] == [
        ("ListUsers", 60, False), ("ListUsers", 60, True)]
    assert "Filter" not in calls[0].params


def test_the_answer_is_sorted_whatever_order_cognito_lists(pool: Pool) -> None:
    group_of(pool, "ops", ["zoe", "amy", "Bob", "mia"])
    assert pool_users(pool.id, "ops", config=NO_CONFIG) == ["Bob", "amy", "mia", "zoe"]


def test_a_filter_narrows_all_users(pool: Pool, calls: list[ApiCall]) -> None:
    pool.user("alice")
    pool.user("anna")
    pool.user("new-hire", confirmed=False)  # FORCE_CHANGE_PASSWORD: Cognito cannot reset it
    calls.clear()
    assert pool_users(pool.id, filter='cognito:user_status = "CONFIRMED"', config=NO_CONFIG) == ["alice", "anna"]
    assert calls[0].params["Filter"] == 'cognito:user_status = "CONFIRMED"'
    assert pool_users(pool.id, filter='username ^= "an"', config=NO_CONFIG) == ["anna"]


def test_an_existing_empty_group_selects_nobody(pool: Pool) -> None:
    group_of(pool, "empty", [])
    assert pool_users(pool.id, "empty", config=NO_CONFIG) == []


def test_a_missing_group_is_a_sentence_naming_pool_and_group_never_an_empty_list(pool: Pool) -> None:
    group_of(pool, "contractors", ["carol"])
    assert failure(pool.id, "Contractors") == (
        f"CognitoPasswordReset could not read the members of group 'Contractors' in user pool '{pool.id}': the "
        f"pool has no group of that name (group names are case-sensitive); check the group name, or create the "
        f"group in the pool.")


@pytest.mark.parametrize("group", ["contractors", None])
def test_a_missing_pool_is_a_sentence_too(pool: Pool, group: str | None) -> None:
    missing = f"{REGION}_doesnotexist"
    subject = (f"could not read the members of group 'contractors' in user pool '{missing}'" if group
               else f"could not list the users of user pool '{missing}'")
    assert failure(missing, group) == (
        f"CognitoPasswordReset {subject}: the user pool does not exist in this account and region; check the pool "
        f"id and that the credentials belong to the pool's account.")



POOL = "us-east-1_AbC123"


@pytest.mark.parametrize(("group", "operation"), [("contractors", "list_users_in_group"), (None, "list_users")])
@pytest.mark.parametrize(("code", "phrases"), [
    ("AccessDeniedException", ["access was denied (AccessDeniedException: not allowed)", "allow cognito-idp:{op} on "
                               "the pool's ARN"]),
    ("TooManyRequestsException", ["throttled the call (TooManyRequestsException) on all 10 attempts",
                                  "{op} allows 30 requests per second per account and region (not adjustable)",
                                  "cognito-password-reset:maxReadsPerSecond"]),
    ("InvalidParameterException", ["Cognito rejected a parameter (not allowed)"]),
])
def test_answers_moto_cannot_give_are_sentences_naming_the_list_call(
        stubbed: Stubber, group: str | None, operation: str, code: str, phrases: list[str]) -> None:
    stubbed.add_client_error(operation, code, "not allowed", 400, response_meta={"RetryAttempts": 9})
    text = failure(POOL, group)
    op = "ListUsersInGroup" if group else "ListUsers"
    assert text.startswith(f"CognitoPasswordReset could not {'read the members of group' if group else 'list'}")
    assert f"user pool '{POOL}'" in text
    for phrase in phrases:
        assert phrase.format(op=op) in text
    assert "AdminResetUserPassword" not in text


def test_a_failure_on_a_later_page_fails_the_whole_read(stubbed: Stubber) -> None:
    stubbed.add_response("list_users_in_group", {"Users": [{"Username": "carol"}], "NextToken": "page-2"})
    stubbed.add_client_error("list_users_in_group", "TooManyRequestsException", "Rate exceeded", 400)
    assert "throttled" in failure(POOL, "contractors")


@pytest.mark.parametrize(("args", "kwargs", "sentence"), [
    ((POOL, "contractors"), {"filter": 'email = "a@example.com"'},
     "group and filter cannot be combined: Cognito's ListUsersInGroup takes no filter; pass the group alone, or no "
     "group and the filter to narrow all the pool's users"),
    ((POOL, ""), {}, "group is empty; name the Cognito group whose members to select, such as contractors"),
    ((POOL, "night shift"), {},
     "group must match the pattern [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+ (from the ListUsersInGroup API), so it is not "
     "a Cognito group name; use the name as the Cognito console shows it"),
    ((POOL, "g" * 129), {},
     "group must be at most 128 characters long but is 129, so it is not a Cognito group name; use the name as the "
     "Cognito console shows it"),
    ((POOL,), {"filter": "email"},
     "filter must have the form attribute = \"value\" (exact) or attribute ^= \"value\" (starts with), on one "
     "attribute, as Cognito's ListUsers takes it; for example cognito:user_status = \"CONFIRMED\""),
    ((POOL,), {"filter": 'email = "a" and name = "b"'},
     "filter must have the form attribute = \"value\" (exact) or attribute ^= \"value\" (starts with), on one "
     "attribute, as Cognito's ListUsers takes it; for example cognito:user_status = \"CONFIRMED\""),
    ((POOL,), {"filter": 'custom:team = "ops"'},
     "filter searches the attribute 'custom:team', which Cognito's ListUsers cannot search (no custom attribute is "
     "searchable); use one of username, email, phone_number, name, given_name, family_name, preferred_username, "
     "cognito:user_status, status, sub"),
    ((POOL,), {"filter": 'email ^= "' + "a" * 246 + '"'},
     "filter must be at most 256 characters long but is 257 (the most Cognito's ListUsers takes); shorten it"),
    ((POOL,), {"filter": " "},
     "filter is empty; leave it out to select every user of the pool, or narrow them with one such as "
     "cognito:user_status = \"CONFIRMED\""),
    (("us-east1_AbC123",), {},
     "user_pool_id 'us-east1_AbC123' has the region part 'us-east1', which is not an AWS region name (such as "
     "us-east-1); pass the pool's id as the Cognito console shows it, such as eu-west-1_AbC123xyz"),
    ((POOL, 7), {}, "group must be a string but is a number; pass the group's name"),
])
def test_arguments_cognito_would_refuse_fail_before_any_call(
        calls: list[ApiCall], args: tuple[Any, ...], kwargs: dict[str, Any], sentence: str) -> None:
    with pytest.raises(SelectionError) as raised:
        pool_users(*args, config=NOWHERE, **kwargs)
    assert str(raised.value) == f"cognito_password_reset.pool_users: {sentence}."
    assert isinstance(raised.value, ValueError)
    assert calls == []


def test_filters_cognito_takes_pass(pool: Pool) -> None:
    pool.user("carol")
    for text in ['email = "carol@example.com"', 'cognito:user_status = "CONFIRMED"', 'status = "Enabled"',
                 'username ^= "ca"', 'family_name = "O\\"Brien"', 'phone_number="+15555550100"', 'sub = ""']:
        expected = [] if "Brien" in text or "phone" in text or "sub" in text else ["carol"]
        assert pool_users(pool.id, filter=text, config=NO_CONFIG) == expected, text


def test_the_searchable_attributes_are_those_botocore_s_model_documents() -> None:
    model = botocore.session.get_session().get_service_model("cognito-idp")
    documentation = model.operation_model("ListUsers").input_shape.members["Filter"].documentation
    for attribute in SEARCHABLE_ATTRIBUTES:
        assert f"<code>{attribute}" in documentation, attribute
    assert "Custom attributes aren't searchable" in documentation


def test_a_page_is_as_large_as_the_model_allows() -> None:
    model = botocore.session.get_session().get_service_model("cognito-idp")
    for operation in ("ListUsers", "ListUsersInGroup"):
        assert model.operation_model(operation).input_shape.members["Limit"].metadata["max"] == cognito.PAGE_SIZE


class RecordingLimiters(ratelimit.RateLimiters):
    def __init__(self) -> None:
        super().__init__()
        self.acquired: list[tuple[Hashable, float]] = []

    def acquire(self, key: Hashable, per_second: float) -> float:
        self.acquired.append((key, per_second))
        return 0.0


@pytest.mark.parametrize(("reads", "lists"), [(ratelimit.DEFAULT_READS_PER_SECOND, 25.0), (10.0, 10.0), (0.0, 0.0)])
def test_every_page_waits_on_the_user_list_schedule_under_its_quota(pool: Pool, reads: float, lists: float) -> None:
    group_of(pool, "big", [f"m{i:02}" for i in range(61)])
    settings = AwsSettings(max_reads_per_second=reads)
    limiters = RecordingLimiters()
    calls = Cognito(settings, ClientCache(), limiters)
    calls.group_members(pool.id, "big")
    calls.users(pool.id)
    # Both list calls share Cognito's UserList quota (30/s, not adjustable): one schedule, apart
    # from AdminGetUser's (UserRead) and the resets'; never faster than 25 a second.
    key = (cognito.USER_LIST_QUOTA, Target(REGION, settings))
    assert limiters.acquired == [(key, lists)] * 4


def test_the_stack_config_is_read_as_the_provider_reads_it(pool: Pool, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Target] = []
    build = cognito._new_client

    def recording(target: Target) -> Any:
        built.append(target)
        return build(target)

    monkeypatch.setattr(cognito, "_new_client", recording)
    cognito.CLIENTS.clear()
    group_of(pool, "ops", ["carol"])
    config = {"aws:accessKey": "AKIASELECT", "aws:secretKey": "s", "cognito-password-reset:maxReadsPerSecond": "5"}
    assert pool_users(pool.id, "ops", config=config.get) == ["carol"]
    assert pool_users(pool.id, "ops", config=config) == ["carol"]  # a mapping will do too
    # One client for both (the cache), built from the same settings the provider's configure() makes.
    assert built == [Target(REGION, AwsSettings.from_config(config.get))]
    assert built[0].settings.access_key == "AKIASELECT"
    cognito.CLIENTS.clear()


def test_a_bad_stack_config_value_is_the_provider_s_sentence(pool: Pool) -> None:
    with pytest.raises(CognitoPasswordResetError, match="stack config cognito-password-reset:maxReadsPerSecond"):
        pool_users(pool.id, config={"cognito-password-reset:maxReadsPerSecond": "fast"})


def test_program_config_reads_namespaced_keys_of_the_running_program(monkeypatch: pytest.MonkeyPatch) -> None:
    import pulumi

    pulumi.runtime.set_all_config({"aws:endpoints": '[{"cognitoidp": "http://127.0.0.1:1"}]',
                                   "cognito-password-reset:maxReadsPerSecond": "5"}, [])
    try:
        assert program_config("aws:endpoints") == '[{"cognitoidp": "http://127.0.0.1:1"}]'
        assert program_config("cognito-password-reset:maxReadsPerSecond") == "5"
        assert program_config("aws:profile") is None
        assert AwsSettings.from_config(program_config).endpoint_url == "http://127.0.0.1:1"
    finally:
        pulumi.runtime.set_all_config({}, [])
