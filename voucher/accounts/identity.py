"""Identity providers. Local accounts log in with Django's password backend; an outside provider
(the city's unified identity, OIDC) hands over a verified ``(provider, subject)`` and this module
maps it to a platform user, so no view changes when one is added.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from voucher.accounts.backends import active_user
from voucher.accounts.models import ExternalIdentity, User
from voucher.core import clock
from voucher.core.audit import audit_record


class IdentityNotLinked(Exception):
    """The outside login is valid but belongs to no platform user yet."""

    code = "identity_not_linked"

    def __init__(self, provider: str, subject: str) -> None:
        self.provider, self.subject = provider, subject
        super().__init__("该统一身份认证账号尚未关联平台用户，请先完成企业认证或联系管理员。")


def identity_resolve(*, provider: str, subject: str) -> User:
    """The active user linked to the outside identity; raises :class:`IdentityNotLinked`."""
    link = (
        ExternalIdentity.objects.select_related("user")
        .filter(provider=provider, subject=subject, user__is_active=True)
        .first()
    )
    if link is None:
        raise IdentityNotLinked(provider, subject)
    ExternalIdentity.objects.filter(pk=link.pk).update(last_login_at=clock.now())
    return link.user


@transaction.atomic
def identity_link(*, actor: Any, user: User, provider: str, subject: str) -> ExternalIdentity:
    """Link an outside identity to ``user`` (one subject maps to exactly one user)."""
    link = ExternalIdentity.objects.create(provider=provider, subject=subject, user=user)
    audit_record(
        actor=actor, action="identity.linked", obj=user, after={"provider": provider, "subject": subject}
    )
    return link


class ExternalIdentityBackend:
    """Django authentication backend for outside providers: ``authenticate(request, provider=…, subject=…)``.

    An OIDC client view verifies the token, then calls ``django.contrib.auth.authenticate`` with the
    verified claims and ``login`` — exactly like the password form.
    """

    def authenticate(
        self, request: Any, provider: str | None = None, subject: str | None = None, **_: Any
    ) -> User | None:
        if not provider or not subject:
            return None
        try:
            return identity_resolve(provider=provider, subject=subject)
        except IdentityNotLinked:
            return None

    def get_user(self, user_id: int) -> User | None:
        return active_user(user_id)
