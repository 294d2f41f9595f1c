"""API endpoints of enforcement (/api/v1/enforcement)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["enforcement"])
