"""The exceptions a CognitoPasswordReset raises: each carries one sentence for the user."""


class CognitoPasswordResetError(Exception):
    """A reset or read failed; the message names the pool and user, what happened and the fix.

    Raised without a chained botocore traceback: the message is the whole story, and it never
    contains client metadata or credentials.
    """


class ConfigError(CognitoPasswordResetError):
    """The stack config the provider reads (aws:endpoints, ...) cannot be used."""
