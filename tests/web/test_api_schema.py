"""Schemathesis against the live OpenAPI schema of /api/v1, on both backends: with an admin's token,
every operation is called with generated requests, valid and invalid, and answers without a
server error, with a status code, a content type and a body its schema declares.

The requests go to the ASGI app in this process (no server). The number of examples is bounded
and the generation derandomized, so a run takes well under a minute and CI sees the same cases.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode, checks
from schemathesis.core.result import Err, Ok
from sqlalchemy import Engine

from app import api_tokens
from rules.clock import fixed_clock
from tests.web.conftest import NOW, obligation_id
from web.main import create_app

ADMIN = "quantri.24@tinh.example"
EXAMPLES = 20  # per operation and kind of data
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
)


def _run(
    operation: Any, mode: GenerationMode, token: str, ran: Counter[str], *, path: dict[str, Any] | None = None
) -> None:
    """Call ``operation`` with up to EXAMPLES generated requests; the first failure raises."""
    label = f"{operation.label} ({mode.value}{', a real id' if path else ''})"

    @SETTINGS
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path))
    def check(case: schemathesis.Case[Any]) -> None:
        ran[label] += 1
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        case.validate_response(response, checks=CHECKS)

    check()


def test_every_operation_answers_within_its_schema(web_engine: Engine) -> None:
    app = create_app(web_engine, clock=fixed_clock(NOW))
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    token = api_tokens.create_for(web_engine, ADMIN, name="schemathesis", at=NOW, actor="test").secret
    # Real obligations under the admin's province: one still to send, one sent and waiting.
    pending, sent = obligation_id(web_engine, "07627"), obligation_id(web_engine, "07615")
    with TestClient(app, base_url="http://testserver/api/v1") as client:
        done = client.post(
            f"/obligations/{sent}/submissions",
            files=[("files", ("Báo cáo.pdf", b"%PDF-1.4", "application/pdf"))],
            headers={"Authorization": f"Bearer {token}"},
        )
        assert done.status_code == 201, done.text
    ran: Counter[str] = Counter()
    failures: list[str] = []
    found = list(schema.get_all_operations())
    invalid = [str(r.err()) for r in found if isinstance(r, Err)]
    assert not invalid, invalid  # the schema itself reads as OpenAPI
    operations = [r.ok() for r in found if isinstance(r, Ok)]
    for operation in operations:
        tries: list[tuple[GenerationMode, dict[str, Any] | None]] = [
            (GenerationMode.POSITIVE, None),
            (GenerationMode.NEGATIVE, None),
        ]
        if "{obligation_id}" in operation.path:
            real = sent if operation.path.endswith("/review") else pending
            tries.append((GenerationMode.POSITIVE, {"obligation_id": real}))
        for mode, path in tries:
            try:
                _run(operation, mode, token, ran, path=path)
            except Exception as failed:  # every operation is tried; the failures are reported together
                failures.append(f"{operation.label} ({mode.value}{', a real id' if path else ''}): {failed}")
    assert len(operations) == 10
    assert not failures, "\n\n".join(failures)
    print(f"\nSchemathesis: {sum(ran.values())} requests over {len(ran)} operation runs")
    assert sum(ran.values()) >= len(operations) * 2 * 5  # the runs did run
