"""The stack program's pure parts, testable without Pulumi.

``config`` reads and checks the stack config (with ``keys``, ``reading``, ``existing_pools``,
``accounts_file`` and ``mail``); ``policy`` builds the reset IAM policy and existing pools'
ARNs. ``__main__.py`` at the project root is the wiring that turns these into resources.
"""
