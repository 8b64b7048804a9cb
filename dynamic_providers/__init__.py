"""Amazon Cognito admin password resets as declarative Pulumi resources.

    from dynamic_providers import CognitoPasswordReset, CognitoPasswordResetArgs
"""

from .errors import CognitoPasswordResetError
from .resource import CognitoPasswordReset, CognitoPasswordResetArgs

__all__ = ["CognitoPasswordReset", "CognitoPasswordResetArgs", "CognitoPasswordResetError"]
