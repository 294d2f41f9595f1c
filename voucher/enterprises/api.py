"""API endpoints of the enterprises app."""

from ninja import Router

router = Router(tags=["enterprises"])
