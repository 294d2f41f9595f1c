"""Enterprise authentication (E1, E2): registering an organisation by its USCC and authenticating it
with its evidence.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from voucher.accounts.choices import Role
from voucher.accounts.models import Organisation, User
from voucher.accounts.services import organisation_create, organisation_update, user_create
from voucher.core import clock
from voucher.core.audit import audit_record, snapshot
from voucher.core.uploads import JPEG, PDF, PNG
from voucher.enterprises import uscc as uscc_rules
from voucher.enterprises.choices import (
    AuthStatus,
)
from voucher.enterprises.models import (
    EnterpriseAuthentication,
)
from voucher.enterprises.permissions import (
    can_act_for_enterprise,
)
from voucher.programmes.models import ProgrammeYear
from voucher.programmes.selectors import programme_current

EVIDENCE_TYPES = (PDF, PNG, JPEG)


def _eligibility_flags(programme: ProgrammeYear | None) -> dict[str, bool]:
    return {
        "individual_businesses_eligible": bool(programme and programme.individual_businesses_eligible),
        "farmer_cooperatives_eligible": bool(programme and programme.farmer_cooperatives_eligible),
    }


def _field_error(field: str, exc: uscc_rules.UsccRefused) -> ValidationError:
    return ValidationError({field: ValidationError(exc.reason, code=exc.code)})


# --- authentication (E1, E2) ------------------------------------------------------------------


def uscc_registrable(uscc: str) -> uscc_rules.UsccInfo:
    """The credit code a new enterprise may register with (E1, E2), or a ``ValidationError`` at ``uscc``.

    Malformed codes, non-enterprise or non-Beijing units and codes already registered are refused with
    their reason; nothing is read but the code's own digits and whether an organisation holds it.
    """
    try:
        info = uscc_rules.check_eligible(uscc, **_eligibility_flags(programme_current()))
    except uscc_rules.UsccRefused as exc:
        raise _field_error("uscc", exc) from exc
    if Organisation.objects.filter(uscc=info.code).exists():
        raise ValidationError(
            {"uscc": ValidationError("该统一社会信用代码已注册，请直接登录。", code="uscc_taken")}
        )
    return info


@transaction.atomic
def enterprise_register(
    *,
    name: str,
    uscc: str,
    username: str,
    password: str,
    contact_name: str,
    contact_phone: str,
    registered_address: str = "",
) -> User:
    """Self sign-up of an enterprise: organisation, first user, and its authentication in one step.

    A code that is malformed or belongs to a non-enterprise / non-Beijing unit is refused at the field
    with its reason and nothing is created.
    """
    info = uscc_registrable(uscc)
    if User.objects.filter(username=username).exists():
        raise ValidationError(
            {"username": ValidationError("该用户名已被使用，请换一个。", code="username_taken")}
        )
    organisation = organisation_create(
        actor=None,
        name=name,
        uscc=info.code,
        is_enterprise=True,
        registered_address=registered_address,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )
    user = user_create(
        actor=None,
        username=username,
        password=password,
        role=Role.ENTERPRISE,
        organisation=organisation,
        display_name=contact_name,
        mobile=contact_phone,
    )
    enterprise_authenticate(actor=user, organisation=organisation, uscc=info.code)
    return user


def _confirm_uscc(actor: Any, locked: Organisation, uscc: str) -> uscc_rules.UsccInfo:
    """Decode the code; it must match the one registered, or is recorded now if none was."""
    try:
        info = uscc_rules.decode(uscc)
    except uscc_rules.UsccRefused as exc:
        raise _field_error("uscc", exc) from exc
    if locked.uscc and locked.uscc != info.code:
        raise ValidationError(
            {
                "uscc": ValidationError(
                    f"与本单位登记的统一社会信用代码 {locked.uscc} 不一致。", code="uscc_mismatch"
                )
            }
        )
    if not locked.uscc:
        if Organisation.objects.filter(uscc=info.code).exclude(pk=locked.pk).exists():
            raise ValidationError(
                {"uscc": ValidationError("该统一社会信用代码已被其他单位登记。", code="uscc_taken")}
            )
        before = snapshot(locked, ["uscc"])
        locked.uscc = info.code
        locked.save(update_fields=["uscc", "updated_at"])
        audit_record(
            actor=actor, action="organisation.uscc_set", obj=locked, before=before, after={"uscc": info.code}
        )
    return info


def _update_details(
    actor: Any, locked: Organisation, *, name: str | None, registered_address: str | None
) -> Organisation:
    """Save the name and registered address where given and changed."""
    changes = {
        k: v.strip()
        for k, v in {"name": name, "registered_address": registered_address}.items()
        if v is not None
    }
    changes = {k: v for k, v in changes.items() if v != getattr(locked, k)}
    if changes:
        locked = organisation_update(actor=actor, organisation=locked, **changes)
    return locked


def _authentication_values(actor: Any, info: uscc_rules.UsccInfo) -> dict[str, Any]:
    """The decoded code's details and the E1/E2 verdict for the current year's eligibility rules."""
    values: dict[str, Any] = {
        "uscc": info.code,
        "authority_name": info.authority_name,
        "type_name": info.type_name,
        "division_code": info.division_code,
        "division_name": info.division_name,
        "checked_at": clock.now(),
        "checked_by": actor if getattr(actor, "pk", None) else None,
    }
    try:
        uscc_rules.check_eligible(info.code, **_eligibility_flags(programme_current()))
    except uscc_rules.UsccRefused as exc:
        values.update(status=AuthStatus.REFUSED, refusal_code=exc.code, reason=exc.reason)
    else:
        values.update(
            status=AuthStatus.VERIFIED,
            refusal_code="",
            reason=f"统一社会信用代码有效：{info.authority_name}登记的{info.type_name}，"
            f"登记管理机关 {info.division_code} {info.division_name}。",
        )
    return values


@transaction.atomic
def enterprise_authenticate(
    *,
    actor: Any,
    organisation: Organisation,
    uscc: str,
    name: str | None = None,
    registered_address: str | None = None,
) -> EnterpriseAuthentication:
    """Confirm the organisation's credit code and details and decide E1/E2 (企业认证).

    A malformed code raises a field error; an eligibility refusal is stored with its reason and returned.
    """
    can_act_for_enterprise(actor, organisation).enforce()
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    info = _confirm_uscc(actor, locked, uscc)
    locked = _update_details(actor, locked, name=name, registered_address=registered_address)
    values = _authentication_values(actor, info)
    existing = EnterpriseAuthentication.objects.select_for_update().filter(organisation=locked).first()
    before_auth = snapshot(existing) if existing else None
    auth, _ = EnterpriseAuthentication.objects.update_or_create(organisation=locked, defaults=values)
    audit_record(
        actor=actor,
        action="enterprise.authenticated" if auth.verified else "enterprise.authentication_refused",
        obj=auth,
        before=before_auth,
        after=snapshot(auth),
    )
    return auth
