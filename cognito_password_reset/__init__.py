"""Amazon Cognito admin password resets as declarative Pulumi resources.

    from cognito_password_reset import CognitoPasswordReset, CognitoPasswordResetArgs
"""

from .errors import CognitoPasswordResetError
from .resource import CognitoPasswordReset, CognitoPasswordResetArgs
from .schema import IAM_ACTIONS

__all__ = ["IAM_ACTIONS", "CognitoPasswordReset", "CognitoPasswordResetArgs", "CognitoPasswordResetError"]
