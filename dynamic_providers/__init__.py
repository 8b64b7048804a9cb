"""Amazon Cognito admin password resets as declarative Pulumi resources.

    from dynamic_providers import CognitoPasswordReset, CognitoPasswordResetArgs
"""

from .errors import CognitoPasswordResetError
from .resource import CognitoPasswordReset, CognitoPasswordResetArgs
from .schema import IAM_ACTIONS

__all__ = ["IAM_ACTIONS", "CognitoPasswordReset", "CognitoPasswordResetArgs", "CognitoPasswordResetError"]
