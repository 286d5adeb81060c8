"""Benchmark: the naive design (one Prefect task per obligation) beside the sweep, in one run.

    python -m uv run python scripts/benchmark_naive.py [--obligations 500] [--sweep 20000] [--json]

A Prefect server of its own (``prefect server start`` on 127.0.0.1, SQLite, a temporary
PREFECT_HOME, stopped by its process id at the end) and the national workspace of
scripts/benchmark_sweep.py. The naive flow decides and queues each open obligation's notices in a
task of its own; it is timed until the flow returns, and until the server has recorded every task
run as completed (the server's own work, which goes on after the flow returns). The sweep decides
and queues the same day for ``--sweep`` obligations as one step. Both are printed per obligation,
with their ratio; the machine's other work shows in the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.benchmark_sweep import FIRST, build, in_child
from tests.notifications.peers import free_port

PREFECT = str(Path(sys.executable).with_name("prefect"))


def _post(url: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def _healthy(api: str, server: subprocess.Popen[bytes], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the Prefect server stopped with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{api}/health", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"the Prefect server was not up after {timeout:.0f} s")


def _naive(url: str, home: str, api: str) -> dict[str, Any]:
    """The naive flow in this process (a fresh one: Prefect reads PREFECT_API_URL at import)."""
    os.environ["PREFECT_API_URL"] = api
    from prefect import flow, task
    from prefect.cache_policies import NO_CACHE
    from sqlalchemy import text

    from app.notifying import queue, sweep_options
    from app.settings import Settings
    from models.database import make_engine
    from notifications.sweep import due_notices
    from rules.scope import EVERYWHERE

    engine = make_engine(url)
    settings = Settings(home=Path(home))
    when = datetime.fromisoformat(FIRST)
    options = sweep_options(settings)

    @task(name="remind_one", cache_policy=NO_CACHE)
    def remind_one(obligation_id: int) -> int:
        decided = due_notices(engine, at=when, options=options, under=EVERYWHERE, only={obligation_id})
        return len(queue(engine, decided.drafts, at=when))

    @flow(name="naive_reminders")
    def naive(ids: list[int]) -> int:
        return sum(remind_one(i) for i in ids)

    with engine.connect() as connection:
        ids = [i for (i,) in connection.execute(text("SELECT id FROM obligation WHERE state = 'pending' ORDER BY id"))]
    start = time.perf_counter()
    state = naive(ids, return_state=True)
    returned = time.perf_counter() - start
    queued = state.result()
    run_id = str(state.state_details.flow_run_id)
    completed = {"flow_runs": {"id": {"any_": [run_id]}}, "task_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}}
    while _post(f"{api}/task_runs/count", completed) < len(ids):
        if time.perf_counter() - start > returned + 600:
            raise SystemExit("the Prefect server did not record every task run within 10 minutes")
        time.sleep(0.05)
    finished = time.perf_counter() - start
    engine.dispose()
    return {"obligations": len(ids), "notices": queued, "flow_s": returned, "server_s": finished}


def _sweep(url: str, home: str) -> dict[str, Any]:
    from app.notifying import decide, queue
    from app.settings import Settings
    from models.database import make_engine

    engine = make_engine(url)
    settings = Settings(home=Path(home))
    when = datetime.fromisoformat(FIRST)
    start = time.perf_counter()
    queued = queue(engine, decide(engine, settings, at=when).planned, at=when)
    took = time.perf_counter() - start
    engine.dispose()
    return {"notices": len(queued), "seconds": took}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--obligations", type=int, default=500, help="open obligations for the naive flow")
    parser.add_argument("--sweep", type=int, default=20_000, help="open obligations for the sweep")
    parser.add_argument("--json", action="store_true", help="print one JSON object, the progress on stderr")
    args = parser.parse_args()

    def log(line: str) -> None:
        print(line, file=sys.stderr if args.json else sys.stdout, flush=True)

    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        api = f"http://127.0.0.1:{port}/api"
        env = {
            **os.environ,
            "PREFECT_HOME": f"{folder}/prefect",
            "PREFECT_API_URL": api,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_SERVER_UI_ENABLED": "false",
        }
        with open(f"{folder}/server.log", "wb") as out:
            server = subprocess.Popen(
                [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            _healthy(api, server)
            log(f"Prefect server up on {api}")
            build(f"sqlite:///{folder}/naive.db", args.obligations, log)
            naive = in_child(_naive, f"sqlite:///{folder}/naive.db", folder, api)
            log(f"  naive: {naive}")
        finally:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(server.pid, sig)
                    server.wait(timeout=30)
                    break
                except ProcessLookupError:
                    break
                except subprocess.TimeoutExpired:
                    continue
        build(f"sqlite:///{folder}/sweep.db", args.sweep, log)
        sweep = in_child(_sweep, f"sqlite:///{folder}/sweep.db", folder)
        log(f"  sweep: {sweep}")
    per = {
        "naive_flow_ms": naive["flow_s"] / naive["obligations"] * 1000,
        "naive_server_ms": naive["server_s"] / naive["obligations"] * 1000,
        "sweep_ms": sweep["seconds"] / args.sweep * 1000,
    }
    figures = {
        "naive_obligations": naive["obligations"],
        "naive_notices": naive["notices"],
        "sweep_obligations": args.sweep,
        "sweep_notices": sweep["notices"],
        **{k: round(v, 3) for k, v in per.items()},
        "ratio_flow": round(per["naive_flow_ms"] / per["sweep_ms"], 1),
        "ratio_server": round(per["naive_server_ms"] / per["sweep_ms"], 1),
    }
    print(json.dumps(figures, ensure_ascii=False) if args.json else json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
