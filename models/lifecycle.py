"""The life of an obligation, as a pure transition function applied inside a transaction.

pending → submitted → accepted | returned → submitted …; pending or returned → exempted.
An extension moves the due instant without changing the state (late with permission). Reopening
undoes a decision taken by mistake: accepted → submitted (to be reviewed again), exempted → pending.
"""

from __future__ import annotations

from rules.errors import DunghanError
from rules.i18n import _

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
    cannot submit a report in the state accepted: submit is allowed only in not submitted or returned
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
        raise IllegalTransition(_("no action {action!r}").format(action=action))
    words = _state_words()
    allowed = words[sources[0]]
    for source in sources[1:]:
        allowed = _("{either} or {other}").format(either=allowed, other=words[source])
    raise IllegalTransition(
        _("cannot {action} a report in the state {state}: {action} is allowed only in {allowed}").format(
            action=_action_words().get(action, action), state=words.get(state, state), allowed=allowed
        )
    )


def _state_words() -> dict[str, str]:
    """The states as an error names them, in the language asked (Vietnamese: as STATE_NAMES)."""
    return {
        "pending": _("not submitted"),
        "submitted": _("submitted"),
        "accepted": _("accepted"),
        "returned": _("returned"),
        "exempted": _("exempted"),
    }


def _action_words() -> dict[str, str]:
    return {
        "submit": _("submit"),
        "accept": _("accept"),
        "return": _("return"),
        "exempt": _("exempt"),
        "extend": _("extend"),
        "reopen": _("reopen"),
    }
