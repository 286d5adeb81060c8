"""The names of levels, unit types, roles and states as the command's tables show them.

They come from the catalogs: Vietnamese by default ("cấp xã"), English with ``DUNGHAN_LANG=en``.
The messages sent to people are written in Vietnamese and keep ``rules.schema``'s names; JSON keeps
the ids (``commune``, ``focal_point``) beside these names.
"""

from __future__ import annotations

from rules.i18n import _

LEVEL_LABELS = {
    "ministry": _("ministry level"),
    "province": _("province level"),
    "district": _("district level"),
    "commune": _("commune level"),
}
UNIT_TYPE_LABELS = {
    "people_committee": _("people's committee"),
    "department": _("department or agency"),
    "standing_agency": _("standing agency"),
    "mass_organisation": _("mass organisation"),
    "women_advancement_committee": _("committee for the advancement of women"),
    "public_service_unit": _("public service unit"),
    "management_board": _("management board"),
    "enterprise": _("enterprise"),
    "credit_institution": _("credit institution"),
    "payment_agent": _("payment intermediary"),
    "association": _("association"),
    "other": _("other unit"),
}
ROLE_LABELS = {  # who a reminder goes to
    "focal_point": _("focal point"),
    "head": _("head of unit"),
    "deputy": _("deputy head of unit"),
    "recipient_officer": _("officer of the receiving agency"),
    "level_above": _("leader of the level above"),
    "supervisor": _("leader of the receiving agency"),
}
USER_ROLE_LABELS = {  # what a web account may do
    "officer": _("reporting officer"),
    "reviewer": _("receiving officer"),
    "supervisor": _("supervising leader"),
    "admin": _("administrator"),
}
STATUS_LABELS = {"quá hạn": _("overdue"), "sắp đến hạn": _("due soon")}  # models.queries' states


def level_label(level: str) -> str:
    return LEVEL_LABELS.get(level, level)


def unit_type_label(unit_type: str) -> str:
    return UNIT_TYPE_LABELS.get(unit_type, unit_type)


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)
