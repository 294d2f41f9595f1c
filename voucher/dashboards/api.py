"""API endpoints of dashboards (/api/v1/dashboards)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["dashboards"])
