"""The stack program's pure parts: config checking and the reset policy, testable without Pulumi.

``__main__.py`` at the project root is the wiring that turns these into resources.
"""
