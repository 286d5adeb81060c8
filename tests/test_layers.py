"""The floors hold: rules → models → notifications, reports → app → cli | flows, doors apart,
and the CLI reaches the database and the sending only through app/.

import-linter reads every import (at the top of a module or inside a function; those under
``if TYPE_CHECKING:`` name types only and are left out) and checks the contracts in
pyproject.toml; the flows a door runs are named by entrypoint, as prefect.yaml names them, never
imported by the door.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from app.orchestration import FLOWS

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")  # import-linter's command, beside this Python


def test_the_layer_contract_is_kept() -> None:
    done = subprocess.run(
        [LINT_IMPORTS, "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 kept, 0 broken" in done.stdout


def test_a_broken_layer_is_caught(tmp_path: Path) -> None:
    """The same check over a copy of the contract with a door that imports another fails."""
    package = tmp_path / "floors"
    for name, body in {
        "__init__.py": "",
        "low.py": "",
        "door_a.py": "import floors.low\n",
        "door_b.py": "from floors import door_a\n",
    }.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(body, encoding="utf-8")
    config = tmp_path / "contract.toml"
    config.write_text(
        '[tool.importlinter]\nroot_packages = ["floors"]\n\n[[tool.importlinter.contracts]]\n'
        'name = "doors apart"\ntype = "layers"\nlayers = ["floors.door_a | floors.door_b", "floors.low"]\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [LINT_IMPORTS, "--config", str(config)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(tmp_path)},
    )
    assert done.returncode == 1 and "BROKEN" in done.stdout


def test_the_flows_a_door_runs_are_the_deployments_entrypoints() -> None:
    deployments = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))["deployments"]
    entrypoints = {d["entrypoint"] for d in deployments}
    assert set(FLOWS.values()) == entrypoints
    assert all(entry.endswith(f":{name}") for name, entry in FLOWS.items())
