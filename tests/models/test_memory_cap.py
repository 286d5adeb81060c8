"""Every hostile file, fed to the pack loader and to each importer in a process capped at 500 MiB
of address space: a one-line refusal and the exit status of a handled error, never a traceback,
never a crash. The interpreter with the readers imported takes about 215 MiB of that cap (see
``test_the_cap_leaves_room_to_work``), so a reader has some 285 MiB to spend."""

from __future__ import annotations

import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.models import hostile_files as hostile

CAP = 500 * 1024 * 1024

# Runs one reader on one file as the command line would: a named error is one line on stderr and
# exit status 1. It prints its peak resident size in KiB (VmHWM: ru_maxrss would count the
# parent's size at fork) on stdout either way.
DRIVER = """
import sys
from pathlib import Path
reader, path = sys.argv[1], Path(sys.argv[2])
from rules.errors import DunghanError
if reader == "pack":
    from rules.loader import load_packs as call
elif reader == "org":
    from models.org_rows import read_org_file as call
elif reader == "activity":
    from models.activity_form import read_form
    call = lambda p: read_form(p, lambda *a: sys.exit("a hostile form reached the campaign"))
elif reader == "indicators":
    from models.indicator_form import read_entry_form as call
try:
    call([path]) if reader == "pack" else call(path)
    problems = []
except DunghanError as exc:
    problems = [str(f) for f in exc.findings] if hasattr(exc, "findings") else getattr(exc, "errors", [str(exc)])
print(next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")))
for problem in problems:
    print(f"dunghan: {problem}", file=sys.stderr)
sys.exit(1 if problems else 0)
"""


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))


def _run(reader: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", DRIVER, reader, str(path)],
        capture_output=True,
        text=True,
        preexec_fn=_cap,
        timeout=120,
        check=False,
    )


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


def test_the_cap_leaves_room_to_work(tmp_path: Path) -> None:
    """The baseline: every reader imported, a valid file read, well inside the cap."""
    for reader, name in (("pack", "rules/packs/bac-ninh-2024.yaml"), ("org", "models/trees/vn-three-tier.csv")):
        done = _run(reader, Path(name))
        assert (done.returncode, done.stderr) == (0, ""), done.stderr
        assert int(done.stdout) < 200 * 1024  # KiB resident


@pytest.mark.parametrize(("reader", "name"), [(reader, name) for reader, name, _ in CASES])
def test_a_hostile_file_is_refused_in_one_line_under_the_cap(files: dict[str, Path], reader: str, name: str) -> None:
    done = _run(reader, files[name])
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    [line] = done.stderr.splitlines()
    assert line.startswith("dunghan: ") and name.split(".")[0] in line
