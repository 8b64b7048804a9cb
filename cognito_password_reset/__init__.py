"""Amazon Cognito admin password resets as declarative Pulumi resources.

    from cognito_password_reset import CognitoPasswordReset, CognitoPasswordResetArgs, pool_users
"""

from .errors import CognitoPasswordResetError, SelectionError
from .resource import CognitoPasswordReset, CognitoPasswordResetArgs
from .schema import IAM_ACTIONS, SELECTION_IAM_ACTIONS
from .selection import pool_users, program_config

__all__ = ["IAM_ACTIONS", "SELECTION_IAM_ACTIONS", "CognitoPasswordReset", "CognitoPasswordResetArgs",
           "CognitoPasswordResetError", "SelectionError", "pool_users", "program_config"]
