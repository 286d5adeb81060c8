"""A watched child ends with its parent, even when the parent is gone before the child starts."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")  # a zombie has ended; only its exit status waits to be read


def _child_of_a_parent_that(ends: str) -> int:
    """Start a parent that starts a watched child (a web server that would run forever), then ends."""
    parent = textwrap.dedent(
        f"""
        import os, subprocess, sys, time
        from app.parent_watch import watched
        child = subprocess.Popen(watched("http.server", "0", "--bind", "127.0.0.1"),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(child.pid, flush=True)
        {ends}
        os._exit(0)
        """
    )
    done = subprocess.run([sys.executable, "-c", parent], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[0])


def _ends_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _running(pid):
            return True
        time.sleep(0.1)
    return False


def test_a_child_whose_parent_ended_before_it_started_does_not_stay_behind() -> None:
    child = _child_of_a_parent_that(ends="")  # the parent is gone before the child's interpreter is up
    assert _ends_within(child, 15), f"process {child} outlived its parent"


def test_a_child_running_when_its_parent_ends_is_stopped() -> None:
    child = _child_of_a_parent_that(ends="time.sleep(3)")  # the child is serving by then
    assert _ends_within(child, 15), f"process {child} outlived its parent"
