"""API endpoints of payouts (/api/v1/payouts)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["payouts"])
