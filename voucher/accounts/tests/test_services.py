"""Organisations, users, roles and outside identities."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from voucher.accounts.choices import Role
from voucher.accounts.identity import IdentityNotLinked, identity_link, identity_resolve
from voucher.accounts.models import Organisation
from voucher.accounts.services import organisation_create, organisation_update, user_create
from voucher.core.models import AuditEvent
from voucher.demo.codes import make_uscc
from voucher.testing.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_organisation_create_checks_the_credit_code_and_audits():
    with pytest.raises(ValidationError) as exc:
        organisation_create(
            actor=None, name="北京坏代码有限公司", uscc="91110000600037341X", is_enterprise=True
        )
    assert "统一社会信用代码无效" in exc.value.message_dict["uscc"][0]
    assert not Organisation.objects.filter(name="北京坏代码有限公司").exists()
    org = organisation_create(
        actor=None, name=" 北京好代码有限公司 ", uscc="91110000600037341l", is_enterprise=True
    )
    assert org.name == "北京好代码有限公司"
    assert org.uscc == "91110000600037341L"
    assert AuditEvent.objects.filter(action="organisation.created", object_id=str(org.pk)).exists()


def test_organisation_needs_a_kind():
    with pytest.raises(ValidationError):
        organisation_create(actor=None, name="无身份单位", uscc=make_uscc(9001))


def test_uscc_is_unique():
    code = make_uscc(9002)
    organisation_create(actor=None, name="甲公司", uscc=code, is_enterprise=True)
    with pytest.raises(ValidationError):
        organisation_create(actor=None, name="乙公司", uscc=code, is_enterprise=True)


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        (Role.ENTERPRISE, "enterprise"),
        (Role.PROVIDER, "provider"),
        (Role.REVIEWER, "review_body"),
        (Role.ADMIN, "authority"),
    ],
)
def test_a_role_needs_an_organisation_of_its_kind(role, kind):
    wrong = OrganisationFactory(**{("provider" if kind != "provider" else "enterprise"): True})
    with pytest.raises(ValidationError) as exc:
        user_create(actor=None, username=f"u-{role}", password="pw-12345678", role=role, organisation=wrong)
    assert "必须属于" in exc.value.message_dict["organisation"][0]
    right = OrganisationFactory(**{kind: True})
    user = user_create(
        actor=None, username=f"u-{role}", password="pw-12345678", role=role, organisation=right
    )
    assert user.role == role
    assert user.is_staff == (role == Role.ADMIN)
    assert user.check_password("pw-12345678")


def test_user_mobile_must_be_a_mainland_number():
    org = OrganisationFactory(enterprise=True)
    with pytest.raises(ValidationError):
        user_create(
            actor=None,
            username="m",
            password="pw-12345678",
            role=Role.ENTERPRISE,
            organisation=org,
            mobile="12345",
        )


def test_user_audit_never_stores_the_password():
    org = OrganisationFactory(enterprise=True)
    user = user_create(
        actor=None, username="secret", password="pw-12345678", role=Role.ENTERPRISE, organisation=org
    )
    event = AuditEvent.objects.get(action="user.created", object_id=str(user.pk))
    assert "password" not in event.after
    assert "pw-12345678" not in str(event.after)


def test_p1_members_edit_their_own_organisation_only(enterprise_user, provider_user):
    org = enterprise_user.organisation
    updated = organisation_update(actor=enterprise_user, organisation=org, contact_name="李四")
    assert updated.contact_name == "李四"
    event = AuditEvent.objects.filter(action="organisation.updated").latest("id")
    assert event.before == {"contact_name": "张三"} and event.after == {"contact_name": "李四"}
    with pytest.raises(PermissionDenied):
        organisation_update(actor=provider_user, organisation=org, contact_name="王五")


def test_p1_the_credit_code_cannot_be_changed_through_the_profile(enterprise_user):
    with pytest.raises(ValidationError):
        organisation_update(
            actor=enterprise_user, organisation=enterprise_user.organisation, uscc=make_uscc(9003)
        )


def test_admin_may_edit_any_organisation(admin_user, enterprise_user):
    organisation_update(
        actor=admin_user, organisation=enterprise_user.organisation, contact_phone="13900000000"
    )
    enterprise_user.organisation.refresh_from_db()
    assert enterprise_user.organisation.contact_phone == "13900000000"


def test_outside_identity_maps_to_its_linked_user(admin_user):
    user = UserFactory()
    with pytest.raises(IdentityNotLinked):
        identity_resolve(provider="beijing-oidc", subject="sub-1")
    request = RequestFactory().get("/")
    assert authenticate(request, provider="beijing-oidc", subject="sub-1") is None
    identity_link(actor=admin_user, user=user, provider="beijing-oidc", subject="sub-1")
    assert identity_resolve(provider="beijing-oidc", subject="sub-1") == user
    assert authenticate(request, provider="beijing-oidc", subject="sub-1") == user
    user.is_active = False
    user.save()
    with pytest.raises(IdentityNotLinked):
        identity_resolve(provider="beijing-oidc", subject="sub-1")
