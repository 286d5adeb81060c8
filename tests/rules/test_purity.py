"""rules/ is pure: it imports no database, network, notification or orchestration code."""

import subprocess
import sys
from pathlib import Path

FORBIDDEN = (
    "sqlalchemy",
    "sqlmodel",
    "prefect",
    "apprise",
    "httpx",
    "requests",
    "urllib3",
    "aiosmtpd",
    "psycopg",
    "models",
    "notifications",
    "flows",
    "app",
)


def test_rules_imports_nothing_impure() -> None:
    modules = sorted(p.stem for p in Path("rules").glob("*.py") if p.stem != "__init__")
    code = (
        "import sys\n"
        + "".join(f"import rules.{m}\n" for m in modules)
        + f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
