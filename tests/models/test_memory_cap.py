"""Every hostile file, fed to the pack loader and to each importer in a process capped at 500 MiB
of address space: a one-line refusal and the exit status of a handled error, never a traceback,
never a crash. The interpreter with the readers imported takes about 215 MiB of that cap (see
``test_the_cap_leaves_room_to_work``), so a reader has some 285 MiB to spend."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.models import hostile_files as hostile

CAP = 500 * 1024 * 1024

# One reader, imported; ``read(path)`` runs it on one file as the command line would: a named error
# is one line on stderr and exit status 1. It prints its peak resident size in KiB (VmHWM:
# ru_maxrss would count the parent's size at fork) on stdout either way.
READER = """
import sys
from pathlib import Path
reader = sys.argv[1]
from rules.errors import DunghanError
if reader == "pack":
    from rules.loader import load_packs as call
elif reader == "org":
    from reports.org_files import read_org_file as call
elif reader == "activity":
    from reports.activity_form import read_form
    call = lambda p: read_form(p, lambda *a: sys.exit("a hostile form reached the campaign"))
elif reader == "indicators":
    from reports.indicator_form import read_entry_form as call
def read(path):
    try:
        call([path]) if reader == "pack" else call(path)
        problems = []
    except DunghanError as exc:
        problems = [str(f) for f in exc.findings] if hasattr(exc, "findings") else getattr(exc, "errors", [str(exc)])
    print(next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")))
    for problem in problems:
        print(f"dunghan: {problem}", file=sys.stderr)
    return 1 if problems else 0
"""

# A fresh interpreter for one file: ``python -c DRIVER READER FILE``.
DRIVER = READER + "sys.exit(read(Path(sys.argv[2])))\n"

# The same reader imported once: for each file named on its stdin it forks a child that caps its
# address space, runs ``read`` with its stdout and stderr in files, and exits as the driver would
# (an uncaught exception prints its traceback); the server answers with the child's exit status
# and output as one line of JSON. Each file still gets a process of its own, capped, started from
# the same imports, without the second or so an interpreter takes to start and import the reader.
SERVER = (
    READER
    + """
import json, os, resource, signal, tempfile, traceback
cap, timeout = int(sys.argv[2]), int(sys.argv[3])
out, err = (os.path.join(tempfile.mkdtemp(), name) for name in ("out", "err"))
for request in sys.stdin:
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            signal.alarm(timeout)
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            os.dup2(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 1)
            os.dup2(os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 2)
            try:
                code = read(Path(request.rstrip("\\n")))
            except SystemExit as stop:
                if isinstance(stop.code, str):
                    print(stop.code, file=sys.stderr)
                code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    status = os.waitpid(pid, 0)[1]
    with open(out, encoding="utf-8") as stdout, open(err, encoding="utf-8") as stderr:
        answer = {"returncode": os.waitstatus_to_exitcode(status), "stdout": stdout.read(), "stderr": stderr.read()}
    print(json.dumps(answer), flush=True)
"""
)
TIMEOUT = 120


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))


def _run(reader: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", DRIVER, reader, str(path)],
        capture_output=True,
        text=True,
        preexec_fn=_cap,
        timeout=TIMEOUT,
        check=False,
    )


class ReaderServer:
    """A running ``SERVER`` for one reader: ``run(path)`` answers as ``_run`` does."""

    def __init__(self, reader: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER, reader, str(CAP), str(TIMEOUT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )

    def run(self, path: Path) -> subprocess.CompletedProcess[str]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"{path}\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()  # a child that hangs is ended by its alarm
        assert line, f"the reader server stopped with {self.process.wait()}"
        answer = json.loads(line)
        return subprocess.CompletedProcess([str(path)], answer["returncode"], answer["stdout"], answer["stderr"])

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


CASES: list[tuple[str, str, Callable[[], bytes]]] = [
    *(("pack", f"{name}.yaml", make) for name, make in hostile.HOSTILE_YAML.items()),
    *(("org", f"{name}.yaml", make) for name, make in hostile.HOSTILE_YAML.items()),
    *(("org", f"{name}.csv", make) for name, make in hostile.HOSTILE_CSV.items() if name != "nul"),
    *(
        (reader, f"{name}.xlsx", make)
        for reader in ("org", "activity", "indicators")
        for name, make in hostile.HOSTILE_XLSX.items()
    ),
    *(("activity", f"{name}.xlsx", make) for name, make in hostile.HOSTILE_ACTIVITY.items()),
]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    made: dict[str, Path] = {}
    for _, name, make in CASES:
        if name not in made:
            made[name] = hostile.write(folder, name, make())
    return made


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, ReaderServer]]:
    started = {reader: ReaderServer(reader) for reader in ("pack", "org", "activity", "indicators")}
    yield started
    for server in started.values():
        server.close()


def test_the_cap_leaves_room_to_work(servers: dict[str, ReaderServer]) -> None:
    """The baseline: every reader imported, a valid file read, well inside the cap, by a fresh
    interpreter and by a server's child alike."""
    for reader, name in (("pack", "rules/packs/bac-ninh-2024.yaml"), ("org", "models/trees/vn-three-tier.csv")):
        for done in (_run(reader, Path(name)), servers[reader].run(Path(name))):
            assert (done.returncode, done.stderr) == (0, ""), done.stderr
            assert int(done.stdout) < 200 * 1024  # KiB resident


@pytest.mark.parametrize(("reader", "name"), [(reader, name) for reader, name, _ in CASES])
def test_a_hostile_file_is_refused_in_one_line_under_the_cap(
    files: dict[str, Path], servers: dict[str, ReaderServer], reader: str, name: str
) -> None:
    done = servers[reader].run(files[name])
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    [line] = done.stderr.splitlines()
    assert line.startswith("dunghan: ") and name.split(".")[0] in line
