"""Run a module as a child process that ends when its parent does, however the parent ended.

Prefect's ephemeral mode starts its temporary API as a child process and stops it when the
command exits normally; a command killed with ``kill -9`` has no chance to, and the server stayed
behind. Started as ``python -m app.parent_watch MODULE ARGS…``, the module runs as usual while a
thread watches the parent: once the child has been handed to another parent, it is sent SIGTERM
(and, if it has not ended five seconds later, it exits).
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


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit("usage: python -m app.parent_watch MODULE [ARGS…]")
    threading.Thread(target=watch, args=(os.getppid(),), daemon=True, name="parent-watch").start()
    sys.argv = sys.argv[1:]
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
