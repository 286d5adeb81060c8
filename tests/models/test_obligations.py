"""The lifecycle of an obligation, and what supervisors see."""

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from models.lifecycle import IllegalTransition, transition
from models.obligations import NoSuchObligation, ObligationKey, exempt, extend, reopen, review, submit
from models.outbox import NoticeDraft
from models.planning import plan_cycle
from models.queries import overdue, status
from models.tables import AuditEvent, Notice, Obligation, Submission, SubmissionFile
from rules.calendar import end_of_day
from rules.errors import DunghanError
from rules.loader import calendar_for, shipped_packs
from rules.scope import EVERYWHERE
from tests.models.factory import at, bac_ninh_2026

PACK = next(p.pack for p in shipped_packs() if p.pack.id == "hai-cap-2026")
CAL = calendar_for()


@pytest.mark.parametrize(
    ("state", "action", "after"),
    [
        ("pending", "submit", "submitted"),
        ("submitted", "accept", "accepted"),
        ("submitted", "return", "returned"),
        ("returned", "submit", "submitted"),
        ("pending", "exempt", "exempted"),
        ("pending", "extend", "pending"),
        ("accepted", "reopen", "submitted"),
        ("exempted", "reopen", "pending"),
        ("returned", "reopen", "submitted"),
    ],
)
def test_legal_transitions(state: str, action: str, after: str) -> None:
    assert transition(state, action) == after


@pytest.mark.parametrize(
    ("state", "action", "message"),
    [
        ("pending", "accept", "cannot accept a report in the state not submitted: accept is allowed only in submitted"),
        ("accepted", "return", "cannot return a report in the state accepted"),
        ("exempted", "submit", "cannot submit a report in the state exempted"),
        (
            "submitted",
            "extend",
            "cannot extend a report in the state submitted: extend is allowed only in not submitted or returned",
        ),
        (
            "pending",
            "reopen",
            "cannot reopen a report in the state not submitted: "
            "reopen is allowed only in accepted or returned or exempted",
        ),
    ],
)
def test_illegal_transitions_name_both_states(state: str, action: str, message: str) -> None:
    with pytest.raises(IllegalTransition, match=message.replace("(", r"\(").replace(")", r"\)")):
        transition(state, action)


@pytest.fixture
def planned(engine: Engine) -> Engine:
    bac_ninh_2026(engine)
    plan_cycle(engine, PACK, 2026, CAL, params={}, scope=["24"], now=at("2026-01-05T08:00:00"), actor="admin")
    return engine


SYT = ObligationKey("24-SYT", "bdg-6-thang", "2026-H1")


def _audit(engine: Engine) -> list[tuple[str, str | None, str | None]]:
    with engine.connect() as c:
        return list(
            c.execute(
                select(col(AuditEvent.action), col(AuditEvent.from_state), col(AuditEvent.to_state))
                .where(col(AuditEvent.entity) == "obligation")
                .order_by(col(AuditEvent.id))
            ).tuples()
        )


def test_submit_review_resubmit_accept(planned: Engine, tmp_path: Path) -> None:
    report = tmp_path / "Báo cáo 6 tháng.pdf"
    report.write_bytes(b"%PDF-1.4 bao cao")
    first = submit(
        planned,
        SYT,
        at=at("2026-06-18T16:00:00"),
        actor="hoa",
        calendar=CAL,
        files=[(report.name, report)],
        files_dir=tmp_path / "files",
    )
    assert (first.from_state, first.to_state, first.timeliness) == ("pending", "submitted", "đúng hạn")
    with planned.connect() as c:
        stored = c.execute(select(col(Submission.file_path), col(Submission.sha256), col(Submission.file_name))).one()
    assert Path(stored.file_path).read_bytes() == b"%PDF-1.4 bao cao" and len(stored.sha256) == 64
    assert stored.file_name == "Báo cáo 6 tháng.pdf"
    with planned.connect() as c:
        kept = c.execute(
            select(col(SubmissionFile.file_name), col(SubmissionFile.size_bytes), col(SubmissionFile.sha256))
        ).one()
    assert tuple(kept) == ("Báo cáo 6 tháng.pdf", 16, stored.sha256)
    assert first.receipt == f"BC-{first.submission_id:06d}"
    review(planned, SYT, "return", at=at("2026-06-22T09:00:00"), actor="snv", reason="Thiếu số liệu mục 4")
    late = submit(planned, SYT, at=at("2026-06-24T10:00:00"), actor="hoa", calendar=CAL)
    assert late.timeliness == "trễ 3 ngày làm việc"  # due Friday 19/06; Mon 22, Tue 23, Wed 24
    review(planned, SYT, "accept", at=at("2026-06-25T09:00:00"), actor="snv", reason=None)
    assert _audit(planned) == [
        ("submit", "pending", "submitted"),
        ("return", "submitted", "returned"),
        ("submit", "returned", "submitted"),
        ("accept", "submitted", "accepted"),
    ]
    reopened = reopen(planned, SYT, at=at("2026-06-26T09:00:00"), actor="snv", reason="Tiếp nhận nhầm")
    assert (reopened.from_state, reopened.to_state) == ("accepted", "submitted")
    with pytest.raises(DunghanError, match="reopening needs"):
        reopen(planned, SYT, at=at("2026-06-26T09:00:00"), actor="snv", reason="")


def test_refusals_write_nothing(planned: Engine) -> None:
    with pytest.raises(IllegalTransition):
        review(planned, SYT, "accept", at=at("2026-06-01T09:00:00"), actor="snv", reason=None)
    with pytest.raises(NoSuchObligation, match="no obligation 24-SYT bdg-6-thang 2027-H1"):
        submit(
            planned,
            ObligationKey("24-SYT", "bdg-6-thang", "2027-H1"),
            at=at("2026-06-01T09:00:00"),
            actor="x",
            calendar=CAL,
        )
    with pytest.raises(DunghanError, match="returning a report needs 'reason'") as refused:
        review(planned, SYT, "return", at=at("2026-06-01T09:00:00"), actor="snv", reason="")
    assert refused.value.field == "reason"  # the CLI words it --reason
    assert _audit(planned) == []


def _draft(key: str, channel: str | None) -> NoticeDraft:
    return NoticeDraft(
        key=key,
        kind="receipt",
        obligation_id=None,
        step=None,
        contact_id=None,
        recipient_role="officer",
        recipient_name="Hoa",
        channel=channel,  # type: ignore[arg-type]  # None: a row the database refuses
        address="hoa@syt.example",
        template="receipt",
        subject="Giấy biên nhận",
        body_text="Đã nhận.",
        body_html=None,
        payload=None,
        note=None,
        not_before=at("2026-06-18T16:00:00"),
    )


def test_a_receipt_is_queued_with_its_submission_or_neither_is_written(planned: Engine) -> None:
    def counts() -> tuple[int, int, int]:
        with planned.connect() as c:
            submissions = int(c.execute(select(func.count()).select_from(Submission)).scalar_one())
            notices = int(c.execute(select(func.count()).select_from(Notice)).scalar_one())
        return submissions, notices, len(_audit(planned))

    before = counts()
    with pytest.raises(IntegrityError):  # the receipt cannot be written: nor is the submission
        submit(
            planned,
            SYT,
            at=at("2026-06-18T16:00:00"),
            actor="hoa",
            calendar=CAL,
            notices=lambda outcome: [_draft(f"receipt:{outcome.receipt}", None)],
        )
    assert counts() == before
    outcome = submit(
        planned,
        SYT,
        at=at("2026-06-18T16:00:00"),
        actor="hoa",
        calendar=CAL,
        notices=lambda outcome: [_draft(f"receipt:{outcome.receipt}", "email")],
    )
    assert counts() == (before[0] + 1, before[1] + 1, before[2] + 1)
    with planned.connect() as c:
        assert c.execute(select(col(Notice.key))).scalars().all() == [f"receipt:{outcome.receipt}"]


def test_extension_and_exemption(planned: Engine) -> None:
    new_due = end_of_day(date(2026, 6, 26))
    extend(planned, SYT, new_due=new_due, at=at("2026-06-15T09:00:00"), actor="snv", reason="Chờ số liệu Cục")
    with planned.connect() as c:
        row = c.execute(
            select(col(Obligation.due_date), col(Obligation.late_with_permission), col(Obligation.due_at))
            .where(col(Obligation.report_id) == "bdg-6-thang", col(Obligation.hop) == 1)
            .order_by(col(Obligation.late_with_permission).desc())
        ).first()
    assert row is not None
    assert (row.due_date, row.late_with_permission) == (date(2026, 6, 26), True)
    assert row.due_at == new_due
    outcome = submit(planned, SYT, at=at("2026-06-25T10:00:00"), actor="hoa", calendar=CAL)
    assert outcome.timeliness == "đúng hạn"
    # Re-planning keeps the granted instant.
    plan_cycle(planned, PACK, 2026, CAL, params={}, scope=["24"], now=at("2026-06-26T08:00:00"), actor="admin")
    with planned.connect() as c:
        assert (
            c.execute(
                select(func.count()).select_from(Obligation).where(col(Obligation.due_date) == date(2026, 6, 26))
            ).scalar_one()
            == 1
        )
    commune = ObligationKey("07627", "bdg-nam", "2026")
    assert exempt(planned, commune, at=at("2026-06-01T09:00:00"), actor="snv", reason="Sáp nhập").to_state == "exempted"


def test_overdue_and_status(planned: Engine) -> None:
    now = at("2026-06-24T09:00:00")  # H1 hop 1 was due Friday 19/06
    submit(planned, SYT, at=at("2026-06-18T16:00:00"), actor="hoa", calendar=CAL)
    submit(
        planned, ObligationKey("07627", "bdg-6-thang", "2026-H1"), at=at("2026-06-22T16:00:00"), actor="x", calendar=CAL
    )
    rows = overdue(planned, at=now, calendar=CAL, report="bdg-6-thang", under=EVERYWHERE)
    late = [r for r in rows if r.status == "quá hạn"]
    assert len(late) == 109 - 2
    assert {r.working_days for r in late} == {3}
    assert all(r.due_date == date(2026, 6, 19) for r in late)
    soon = [r for r in rows if r.status == "sắp đến hạn"]
    assert [(r.unit, r.hop) for r in soon] == [("24-SNV", 2)]  # due Monday 29/06, within 3 working days
    communes = overdue(planned, at=now, calendar=CAL, level="commune", soon=0, under=EVERYWHERE)
    assert len(communes) == 98 and all(r.level == "commune" for r in communes)
    under = overdue(planned, at=now, calendar=CAL, under="24-STP", soon=0)
    assert [(r.unit, r.report) for r in under] == [("24-STP", "bdg-6-thang")]
    syt = [r for r in overdue(planned, at=at("2026-12-30T09:00:00"), calendar=CAL, under="24-SYT", soon=0)]
    assert syt[0].focal_point == "Nguyễn Thị Hoa" and syt[0].head == "Trần Văn Nam"  # inactive contact skipped
    by_level = {(s.level, s.report): s for s in status(planned, at=now, year=2026, under=EVERYWHERE)}
    communes_h1 = by_level[("commune", "bdg-6-thang")]
    assert (communes_h1.expected, communes_h1.submitted, communes_h1.on_time, communes_h1.overdue) == (99, 1, 0, 98)
    provinces_h1 = by_level[("province", "bdg-6-thang")]
    assert (provinces_h1.expected, provinces_h1.submitted, provinces_h1.on_time) == (11, 1, 1)
    assert provinces_h1.reporting_rate == round(100 / 11, 1)
    assert all(0 <= s.reporting_rate <= 100 and s.on_time <= s.submitted <= s.expected for s in by_level.values())


def test_instants_come_back_zone_aware(planned: Engine) -> None:
    with planned.connect() as c:
        due_at = c.execute(select(col(Obligation.due_at)).limit(1)).scalar_one()
    assert isinstance(due_at, datetime) and due_at.utcoffset() is not None
