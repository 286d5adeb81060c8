"""The life of an obligation, as a pure transition function applied inside a transaction.

pending → submitted → accepted | returned → submitted …; pending or returned → exempted.
An extension moves the due instant without changing the state (late with permission). Reopening
undoes a decision taken by mistake: accepted → submitted (to be reviewed again), exempted → pending.
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
ACTION_NAMES = {
    "submit": "nộp",
    "accept": "tiếp nhận",
    "return": "trả lại",
    "exempt": "miễn",
    "extend": "gia hạn",
    "reopen": "mở lại",
}
_TRANSITIONS = {
    ("pending", "submit"): "submitted",
    ("returned", "submit"): "submitted",
    ("submitted", "accept"): "accepted",
    ("submitted", "return"): "returned",
    ("pending", "exempt"): "exempted",
    ("returned", "exempt"): "exempted",
    ("accepted", "reopen"): "submitted",
    ("returned", "reopen"): "submitted",  # a return undone: the submission waits for review again
    ("exempted", "reopen"): "pending",
}
_EXTENDABLE = ("pending", "returned")


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
    không thể nộp báo cáo đang ở trạng thái đã tiếp nhận: chỉ nộp được khi chưa nộp hoặc trả lại
    """
    if action == "extend":
        if state in _EXTENDABLE:
            return state
        sources = list(_EXTENDABLE)
    elif (state, action) in _TRANSITIONS:
        return _TRANSITIONS[(state, action)]
    else:
        sources = [s for (s, a) in _TRANSITIONS if a == action]
    if not sources:
        raise IllegalTransition(f"không có thao tác {action!r}")
    verb = ACTION_NAMES.get(action, action)
    raise IllegalTransition(
        f"không thể {verb} báo cáo đang ở trạng thái {STATE_NAMES.get(state, state)}: "
        f"chỉ {verb} được khi {' hoặc '.join(STATE_NAMES[s] for s in sources)}"
    )
