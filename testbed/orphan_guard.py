"""``python orphan_guard.py FD -- COMMAND...``: run COMMAND, and end its process group once the
process that started it is gone, however it went (Ctrl-C twice, a CI timeout, SIGKILL).

``processes.start()`` launches every server through this file. FD is the read end of a pipe
whose write end only the starting process (a test run, the bench) holds (``processes._lifeline``):
the kernel closes it when that process exits, for any reason, so the read end reaches EOF exactly
then.

How: this launcher forks a watcher (twice, so that it is init's child, not the server's, and the
server never meets a child it did not start), then ``exec``s COMMAND in its own process: the
server keeps the PID, the session and the process group ``start()`` gave it, so
``Process.pid``, ``Process.stop()`` (which signals the group, the watcher included) and the
bench's /proc/PID readings mean what they did. The watcher waits on two pipes:

- FD at EOF (the test process is gone): SIGTERM to the group, up to ``GRACE`` s for COMMAND to
  exit, then SIGKILL to the group, itself included;
- a pipe whose write end only COMMAND (and what it forks) holds, at EOF: COMMAND has exited,
  nothing is left to guard, and the watcher exits.

Why not ``PR_SET_PDEATHSIG``: it fires when the *thread* that forked the child exits, not the
process, needs Python code in ``preexec_fn`` between fork and exec (unsafe in a test process
that runs gRPC and proxy threads), reaches only the direct child, is lost if the parent dies
before ``prctl`` runs, and exists on Linux only. A pipe's EOF is a state, not an event: it
cannot be missed, whatever thread started the server and whenever the parent died.

Standard library only (it runs as ``python -I -S``, before the server's own interpreter).
"""

from __future__ import annotations

import os
import selectors
import signal
import sys

GRACE = 5.0
"""Seconds the group gets between SIGTERM and SIGKILL, as in ``Process.stop()``."""


def _watch(lifeline: int, command_gone: int) -> None:
    """The watcher: returns never (it exits, or is killed with its group)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # only the server answers a Ctrl-C sent to the group
    # A selector, not select.select: FD keeps the number it has in the test process, which may
    # be above select.select's limit (FD_SETSIZE, 1024).
    selector = selectors.DefaultSelector()
    selector.register(lifeline, selectors.EVENT_READ)
    selector.register(command_gone, selectors.EVENT_READ)
    ready = {key.fd for key, _ in selector.select()}
    if lifeline not in ready:
        os._exit(0)  # the server exited while its starter lives: Process.stop() ends the rest
    # The starter is gone: nobody else will stop this group.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    group = os.getpgrp()
    os.killpg(group, signal.SIGTERM)
    selector.unregister(lifeline)
    selector.select(GRACE)  # returns as soon as COMMAND has exited
    os.killpg(group, signal.SIGKILL)
    os._exit(0)  # not reached: SIGKILL ends this process too


def main(argv: list[str]) -> None:
    if len(argv) < 4 or argv[2] != "--":
        sys.exit("usage: orphan_guard.py FD -- COMMAND...")
    lifeline, command = int(argv[1]), argv[3:]
    command_gone, command_alive = os.pipe()
    if os.fork() == 0:
        if os.fork() == 0:
            os.close(command_alive)
            try:
                _watch(lifeline, command_gone)
            finally:
                os._exit(1)
        os._exit(0)
    os.wait()  # the middle child: the watcher is init's (or a subreaper's) now, not the server's
    os.close(lifeline)
    os.close(command_gone)
    os.set_inheritable(command_alive, True)  # held by COMMAND until it exits
    for name in ("SIGPIPE", "SIGXFSZ"):  # what Popen's restore_signals gives a child; Python ignores them
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    try:
        os.execvp(command[0], command)
    except OSError as error:
        print(f"orphan_guard: cannot run {command[0]}: {error}", file=sys.stderr, flush=True)
        os._exit(127)


if __name__ == "__main__":
    main(sys.argv)
