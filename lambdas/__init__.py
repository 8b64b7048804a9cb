"""Lambda functions the stack deploys; each module is packaged on its own, with no dependencies."""
