"""Run a module as a child process that ends when its parent does, however the parent ended.

Prefect's ephemeral mode starts its temporary API as a child process and stops it when the
command exits normally; a command killed with ``kill -9`` has no chance to, and the server stayed
behind. Started as ``python -m app.parent_watch --parent=PID MODULE ARGS…`` (the command
:func:`watched` builds), the module runs as usual while a thread watches the parent: once the child
has been handed to another parent, it is sent SIGTERM (and, if it has not ended five seconds later,
it exits). The parent's pid travels on the command line because a parent killed while the child's
interpreter is still starting has already handed it over by the time the child could ask who its
parent is; such a child ends before running anything.
"""

from __future__ import annotations

import os
import runpy
import signal
import sys
import threading
import time


def watch(parent: int, every: float = 0.5) -> None:
    while os.getppid() == parent:
        time.sleep(every)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(5)
    os._exit(1)


def watched(module: str, *args: str) -> list[str]:
    """The command that runs ``module`` as a child of this process that ends with it."""
    return [sys.executable, "-m", "app.parent_watch", f"--parent={os.getpid()}", module, *args]


def main() -> None:
    argv = sys.argv[1:]
    parent = os.getppid()
    if argv and argv[0].startswith("--parent="):
        parent = int(argv.pop(0).removeprefix("--parent="))
    if not argv:
        sys.exit("usage: python -m app.parent_watch [--parent=PID] MODULE [ARGS…]")
    if os.getppid() != parent:
        sys.exit(1)  # the parent ended before this child started: nothing to run for
    threading.Thread(target=watch, args=(parent,), daemon=True, name="parent-watch").start()
    sys.argv = argv
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
