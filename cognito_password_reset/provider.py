"""The ResourceProvider the Pulumi engine calls, through the dynamic provider host.

Thin by design: it hands the property bag to validation (check), planning (diff) and the AWS
edge (create, update, read), and turns results back into outputs.

Compatibility: every stack's state stores this class by reference, as
``cognito_password_reset.provider.CognitoPasswordResetProvider``. Moving or renaming it breaks
refresh and destroy of existing stacks; if it ever must move, leave a re-export here. Stacks
made with 0.1.0 stored ``dynamic_providers.provider.CognitoPasswordResetProvider``: that path
is a re-export of this class (``dynamic_providers/provider.py``).
"""

from __future__ import annotations

import datetime
import sys
from typing import TYPE_CHECKING, Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from . import plan, runcap, schedule, schema, validation

if TYPE_CHECKING:
    from collections.abc import Hashable, Mapping

    from .cognito import AwsSettings, Cognito


def _utcnow() -> datetime.datetime:
    # The one place the provider reads the clock: reset times and the schedule's "today".
    return datetime.datetime.now(datetime.timezone.utc)


def _now() -> str:
    return _utcnow().strftime(schedule.RESET_AT_FORMAT)


def _warn(text: str) -> None:
    # The host has no engine connection of its own: what it writes to stderr the engine shows
    # in the console of preview and up (docs/operations.md, "A nightly rotation pipeline").
    # One write per line: the host serves up to four calls at once, and print() writes the text
    # and the newline separately, so two warnings written together could share a line.
    sys.stderr.write(f"warning: {text}\n")
    sys.stderr.flush()


def resource_id(user_pool_id: str, username: str) -> str:
    """The resource's id: the user it resets, readable in ``pulumi stack`` output."""
    return f"{user_pool_id}/{username}"


class CognitoPasswordResetProvider(ResourceProvider):
    """Resets a Cognito user's password (AdminResetUserPassword) as a Pulumi resource; with
    ``global_sign_out``, each reset signs the user out everywhere first (AdminUserGlobalSignOut)."""

    def __init__(self) -> None:
        super().__init__()

    def __getstate__(self) -> dict[str, Any]:
        # pulumi.dynamic pickles the provider into every resource's state. Nothing of an
        # instance belongs there: stack config, credentials and clients are rebuilt in the
        # provider host by configure(). Pickling an empty state guarantees it.
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        pass

    def configure(self, req: ConfigureRequest) -> None:
        from .cognito import AwsSettings, retry_config

        self._settings = AwsSettings.from_config(req.config.get)
        retry_config()  # a bad AWS_MAX_ATTEMPTS or AWS_RETRY_MODE fails the first call, at preview
        self._max_resets = runcap.cap_from_config(req.config.get)  # likewise a bad maxResetsPerRun

    def _cognito(self) -> Cognito:
        from .cognito import AwsSettings, Cognito

        settings: AwsSettings = getattr(self, "_settings", None) or AwsSettings()
        return Cognito(settings)

    def _admit(self, props: Mapping[str, Any], unidentified: Hashable) -> None:
        """Count a reset this run makes or plans against maxResetsPerRun (raises past the cap).

        A user whose pool or username is not known yet counts too, as ``unidentified``.
        """
        pool, username = props.get(schema.USER_POOL_ID), props.get(schema.USERNAME)
        known = isinstance(pool, str) and isinstance(username, str)
        user = (pool, username) if known else unidentified
        who = resource_id(str(pool), str(username)) if known else "a user whose pool or username is not known yet"
        runcap.COUNTER.admit(user, getattr(self, "_max_resets", runcap.NO_CAP), who)

    def _planned(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> plan.Plan:
        """The plan for this run: a reset for a change counted against the cap (raises past it), a
        scheduled one past the cap put off to a later run, with a warning."""
        p = plan.plan(olds, news)
        if p.cause is plan.Cause.CHANGE:
            # The engine may diff one resource more than once: it is counted once.
            self._admit(news, ("replacement of", id_))
        elif p.cause is plan.Cause.SCHEDULE:
            cap = getattr(self, "_max_resets", runcap.NO_CAP)
            pool, username = news[schema.USER_POOL_ID], news[schema.USERNAME]
            waiting = runcap.COUNTER.admit_scheduled((pool, username), cap)
            if waiting is not None:
                if waiting.first and (warning := runcap.waiting_warning(
                        resource_id(pool, username), news.get(schema.ROTATION_WINDOW), cap, waiting.place)):
                    _warn(warning)
                p = plan.deferred(p)
        return p

    def _reset(self, props: Mapping[str, Any], *, unless_reset_required: bool = False) -> tuple[str | None, str | None]:
        """Reset the user as ``props`` say; returns ``reset_at`` (None: not sent, the user being already
        RESET_REQUIRED and ``unless_reset_required`` asked) and ``signed_out_at`` (None: this reset
        signed nobody out).

        With ``global_sign_out`` the sign-out goes FIRST, then the reset, because a dynamic provider
        cannot keep half of a step: pulumi.dynamic's host turns any exception into a failed call
        with no outputs (it has no initialization-error outputs), so the engine keeps the old state,
        or none for a create. Were the reset first and the sign-out then to fail, the state would not
        show the reset and the next run would reset the user, and mail it, again. Sign-out first:
        - the sign-out fails: nothing was sent; the run fails; the next run does both;
        - the reset fails after it: the user is signed out, not mailed; the run fails; the next run
          signs out again (harmless: no mail, nothing else changes) and resets: one mail in all.
        Either way no failure between the two calls leads to a second mail, and the next run
        completes what is missing. The costs: a user whose reset keeps failing (disabled, no
        verified email) is signed out again by every run until the cause is fixed; and a sign-in
        with the old password in the one round trip between the calls would keep its tokens (the
        two calls go out back to back, see ``Cognito.reset_password``).
        """
        signs_out = plan.signs_out(props)
        sent = self._cognito().reset_password(props[schema.USER_POOL_ID], props[schema.USERNAME],
                                              props.get(schema.CLIENT_METADATA), sign_out_first=signs_out,
                                              unless_reset_required=unless_reset_required)
        now = _now()
        return (now if sent else None), (now if signs_out else None)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs, problems = validation.check(news)
        inputs.pop(schema.ROTATION_WINDOW, None)  # computed here, never taken from the program
        window = schedule.checked_window(inputs, _olds, _utcnow().date())
        if window is not None:
            inputs[schema.ROTATION_WINDOW] = window
        if not problems and not _olds and plan.resets_on_create(inputs):
            self._admit(inputs, object())  # a new resource: its create will reset
        return CheckResult(inputs, [CheckFailure(p.property, p.reason) for p in problems])

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        p = self._planned(_id, _olds, _news)
        return DiffResult(
            changes=p.action is not plan.Action.NONE,
            replaces=list(p.replaces),
            delete_before_replace=False,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        pool, username = props[schema.USER_POOL_ID], props[schema.USERNAME]
        reset_at = status = signed_out_at = None
        if plan.resets_on_create(props):  # an adoption resets nobody, so it signs nobody out either
            self._admit(props, object())
            # A run killed after its reset reached Cognito but before the engine recorded the
            # create leaves a pending create, and the next `pulumi up` creates the resource again.
            # A user already waiting for a reset is not mailed a second code; anyone else is reset.
            status = schema.RESET_REQUIRED
            reset_at, signed_out_at = self._reset(props, unless_reset_required=True)
            if reset_at is None:
                _warn(f"{schema.RESOURCE_TYPE}: {resource_id(pool, username)} is already {schema.RESET_REQUIRED}, so "
                      "creating its resource resets nobody (it was reset by an earlier run that was cut short, or "
                      "by someone else, and has a code); its next reset comes with a new rotation_trigger or "
                      "window")
        return CreateResult(resource_id(pool, username), plan.outputs(
            props, reset_at=reset_at, user_status=status, signed_out_at=signed_out_at))

    def update(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> UpdateResult:
        reset_at, status = _olds.get(schema.RESET_AT), _olds.get(schema.USER_STATUS)
        signed_out_at = _olds.get(schema.SIGNED_OUT_AT)
        # The same plan Diff made in this host: a scheduled reset it put off stays put off (and
        # signs nobody out); a record-only update calls nothing.
        p = self._planned(_id, _olds, _news)
        if p.resets:
            reset_at, signed_out = self._reset(_news)
            status, signed_out_at = schema.RESET_REQUIRED, signed_out or signed_out_at
        return UpdateResult(plan.outputs(plan.recorded(p, _olds, _news), reset_at=reset_at, user_status=status,
                                         signed_out_at=signed_out_at))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        status = self._cognito().user_status(props[schema.USER_POOL_ID], props[schema.USERNAME])
        if status is None:
            return ReadResult(None, {})  # the pool says the user is gone: the engine drops the resource
        # Anything else, schema.POOL_NOT_FOUND included, keeps it: a refresh that reached another
        # account must not turn into a second reset at the next up. Only the status is recorded.
        outs = {k: v for k, v in props.items() if k != schema.PROVIDER}
        outs[schema.USER_STATUS] = status
        return ReadResult(id_, outs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Nothing to undo: a reset cannot be taken back, and the user stays as it is."""
