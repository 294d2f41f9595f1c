"""Creating and changing organisations and users."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from stdnum.cn import uscc as stdnum_uscc

from voucher.accounts.choices import Role
from voucher.accounts.models import Organisation, User
from voucher.core.audit import audit_record, snapshot
from voucher.core.validators import validate_mainland_mobile

ORGANISATION_EDITABLE = [
    "name",
    "established_on",
    "registered_address",
    "operating_address",
    "contact_name",
    "contact_phone",
    "contact_email",
]

ROLE_NEEDS_KIND = {
    Role.ENTERPRISE: ("is_enterprise", "企业用户必须属于一家企业。"),
    Role.PROVIDER: ("is_provider", "服务商用户必须属于一家服务商。"),
    Role.REVIEWER: ("is_review_body", "评审用户必须属于一家评审机构。"),
    Role.ADMIN: ("is_authority", "管理员必须属于主管部门。"),
}


def _clean_uscc(value: str | None) -> str | None:
    if not value:
        return None
    code = stdnum_uscc.compact(value)
    if not stdnum_uscc.is_valid(code):
        raise ValidationError({"uscc": "统一社会信用代码无效：请核对 18 位代码（含校验位）。"})
    return code


@transaction.atomic
def organisation_create(*, actor: Any, name: str, uscc: str | None = None, **values: Any) -> Organisation:
    """Register an organisation; ``values`` are the other :class:`Organisation` fields."""
    organisation = Organisation(name=name.strip(), uscc=_clean_uscc(uscc), **values)
    organisation.full_clean()
    organisation.save()
    audit_record(actor=actor, action="organisation.created", obj=organisation, after=snapshot(organisation))
    return organisation


@transaction.atomic
def organisation_update(*, actor: Any, organisation: Organisation, **changes: Any) -> Organisation:
    """Change an organisation's profile; only profile fields, and only by its members or an admin."""
    from voucher.accounts.permissions import can_edit_organisation

    can_edit_organisation(actor, organisation).enforce()
    unknown = set(changes) - set(ORGANISATION_EDITABLE)
    if unknown:
        raise ValidationError(f"不能修改这些字段：{', '.join(sorted(unknown))}")
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = snapshot(locked, ORGANISATION_EDITABLE)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action="organisation.updated",
        obj=locked,
        before=before,
        after=snapshot(locked, ORGANISATION_EDITABLE),
    )
    return locked


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str | None,
    role: str,
    organisation: Organisation | None,
    display_name: str = "",
    email: str = "",
    mobile: str = "",
) -> User:
    """Create a login for one role of one organisation. ``password=None`` means external login only."""
    kind, message = ROLE_NEEDS_KIND[Role(role)]
    if organisation is None or not getattr(organisation, kind):
        raise ValidationError({"organisation": message})
    if mobile:
        validate_mainland_mobile(mobile)
    user = User(
        username=username,
        role=role,
        organisation=organisation,
        display_name=display_name,
        email=email,
        mobile=mobile,
        is_staff=role == Role.ADMIN,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=actor,
        action="user.created",
        obj=user,
        after=snapshot(user, ["username", "role", "organisation_id", "display_name"]),
    )
    if role == Role.ADMIN:
        from django.contrib.auth.models import Group

        from voucher.accounts.signals import ADMIN_GROUP

        group, _ = Group.objects.get_or_create(name=ADMIN_GROUP)
        user.groups.add(group)
    return user
