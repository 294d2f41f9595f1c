"""Days of the 2025 review and notice calendar, for review and catalogue tests."""

from __future__ import annotations

import datetime as dt

NOTICE_START = dt.date(2025, 6, 3)  # 2025 notice period: 5 days → ends 2025-06-08
IN_NOTICE = dt.date(2025, 6, 5)
AFTER_NOTICE = dt.date(2025, 6, 9)
REVIEW_DAY = dt.date(2025, 5, 20)
