"""The processes the test suite and the benchmark run, for both to depend on (never the package).

- ``processes``: free ports, polling with a deadline, processes started in their own session and
  stopped by process group, by PID; each dies with the process that started it
  (``orphan_guard.py``), a test run or the bench.
- ``servers``: moto server (the Cognito endpoint) and the real provider host
  (``python -m pulumi.dynamic``) as subprocesses on 127.0.0.1.
- ``clock_host``: the provider host with its wall clock moved (``python -m testbed.clock_host``).

Nothing here imports from ``tests`` or ``bench``: both import from here (``tests/unit/
test_code_map.py`` checks it). It is not shipped: pyproject.toml packages only
``cognito_password_reset`` and ``dynamic_providers``, so no user's provider host can load it.
"""
