"""The steps of ``make up`` / ``preview`` / ``destroy`` / ``down`` (run by ``scripts/local.py``).

Standard library only, so they run with any python3 (3.10+), before ``.venv`` exists. Modules
such as subprocess, urllib and json are imported inside the functions that use them: without
the Pulumi CLI the script must answer at once, and half its start-up time was imports only the
later steps need.
"""
