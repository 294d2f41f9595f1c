"""API: who am I."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

router = Router(tags=["accounts"])


class OrganisationOut(Schema):
    id: int
    name: str
    uscc: str | None
    is_enterprise: bool
    is_provider: bool
    is_review_body: bool
    is_authority: bool


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    role_label: str
    organisation: OrganisationOut | None


@router.get("/me", response=MeOut, summary="当前用户")
def me(request: HttpRequest) -> object:
    return request.user
