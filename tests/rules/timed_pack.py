"""A pack with a daily report due at a clock time and a ladder that steps in hours."""

from __future__ import annotations

import textwrap

# One period a day from 04/09/2026 to ``valid_to``: the departments of the province send the day's
# figures "trước 16 giờ 30 hằng ngày". The ladder reminds the day before (a day step), two hours
# before the deadline, and at the deadline, again five hours later.
TIMED_DAILY_PACK = textwrap.dedent("""\
    format: 1
    id: so-lieu-hang-ngay
    version: "1"
    title: "Báo cáo nhanh số liệu hằng ngày"
    issuer: "Sở Nội vụ"
    legal_basis: ["Công văn thử nghiệm"]
    valid_from: "2026-09-04"
    valid_to: "2026-09-04"
    reports:
      - id: nhanh-hang-ngay
        name: "Báo cáo nhanh số liệu hằng ngày"
        content: "Số liệu trong ngày"
        method: [email]
        frequency: daily
        ladder: theo-gio
        chain:
          - from: {level: province, types: [department], name: "Các sở"}
            to: {level: province, unit_type: standing_agency, name: "Sở Nội vụ"}
            deadline: "trước 16 giờ 30 hằng ngày"
    ladders:
      theo-gio:
        steps:
          - {id: truoc-1-ngay, offset: -1, to: [focal_point], template: reminder}
          - {id: truoc-2h, offset: -2, unit: hours, to: [focal_point], template: due_today}
          - {id: qua-han, offset: 0, unit: hours, to: [focal_point, head], template: overdue,
             repeat_every: 5, cap: 2}
    """)
