"""Engine-level tests: the real provider host driven over gRPC as the Pulumi engine drives it.

Modules other tests build on (keep their APIs small and stable):

- ``harness``: ``declare``/``program`` (Goals from a program under mocks), ``Engine`` (one gRPC
  call per method), ``Stack`` (preview/up/up_all/refresh/destroy over a kept state), ``HostError``.
- ``faultproxy``: ``FaultProxy`` in front of moto, with policies ``never``, ``always``,
  ``fraction`` and ``quota`` (a token bucket), or any callable ``(Request) -> Fault | Reply | None``.
- ``servers``: moto server and the provider host as subprocesses (from ``testbed/``, which the
  benchmark shares); ``Pool`` to arrange users.
- ``testbed.processes`` (not in this folder): free ports, polling with a deadline, stopping
  process groups by PID; ``testbed.clock_host``: the host with its clock moved.
- ``conftest``: the fixtures ``moto``, ``pool``, ``proxy``, ``launch``, ``declare``, and the
  module-shared ``shared_proxy`` and ``shared_launch``.
"""
