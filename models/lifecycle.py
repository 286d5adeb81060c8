"""The life of an obligation, as a pure transition function applied inside a transaction.

pending → submitted → accepted | returned → submitted …; pending or returned → exempted.
An extension moves the due instant without changing the state (late with permission).
"""

from __future__ import annotations

from rules.errors import DunghanError

STATE_NAMES = {
    "pending": "chưa nộp",
    "submitted": "đã nộp",
    "accepted": "đã tiếp nhận",
    "returned": "trả lại",
    "exempted": "miễn",
}
_TRANSITIONS = {
    ("pending", "submit"): "submitted",
    ("returned", "submit"): "submitted",
    ("submitted", "accept"): "accepted",
    ("submitted", "return"): "returned",
    ("pending", "exempt"): "exempted",
    ("returned", "exempt"): "exempted",
}


class IllegalTransition(DunghanError):
    pass


def transition(state: str, action: str) -> str:
    """The state after ``action``, or :class:`IllegalTransition` naming both states.

    >>> transition("pending", "submit")
    'submitted'
    >>> try:
    ...     transition("accepted", "submit")
    ... except IllegalTransition as refused:
    ...     print(refused)
    cannot submit an obligation that is accepted (đã tiếp nhận): submit applies to pending or returned
    """
    if action == "extend":
        if state in ("pending", "returned"):
            return state
        raise IllegalTransition(
            f"cannot extend an obligation that is {state} ({STATE_NAMES.get(state, state)}): "
            "extend applies to pending or returned"
        )
    if (state, action) in _TRANSITIONS:
        return _TRANSITIONS[(state, action)]
    sources = [s for (s, a) in _TRANSITIONS if a == action]
    if not sources:
        raise IllegalTransition(f"unknown action {action!r}")
    raise IllegalTransition(
        f"cannot {action} an obligation that is {state} ({STATE_NAMES.get(state, state)}): "
        f"{action} applies to {' or '.join(sources)}"
    )
