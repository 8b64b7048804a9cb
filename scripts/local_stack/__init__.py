"""The steps of ``make up`` / ``preview`` / ``destroy`` / ``down`` (run by ``scripts/local.py``).

Standard library only, so they run with any python3 (3.10+), before ``.venv`` exists.
"""
