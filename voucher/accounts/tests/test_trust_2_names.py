"""Issue 17, item 2: legal names change only through re-verification, and the platform's own bodies'
names are reserved."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from voucher.accounts.choices import NameChangeStatus
from voucher.accounts.models import NameChangeRequest, Organisation
from voucher.accounts.services import (
    organisation_create,
    organisation_name_change_decide,
    organisation_update,
)
from voucher.core.models import AuditEvent, Notification
from voucher.enterprises.services import enterprise_register
from voucher.testing.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW = "北京新名称科技有限公司"
_calls: list[tuple[str, str]] = []


def registry_approves(uscc: str, name: str) -> bool:
    _calls.append((uscc, name))
    return True


@pytest.fixture
def authenticated():
    """An enterprise signed up with a verified credit code."""
    return enterprise_register(
        name="北京旧名称科技有限公司",
        uscc="91110000600037341L",
        username="ent",
        password="Trust-2025-pw",
        contact_name="王经理",
        contact_phone="13800138000",
    )


def test_trust_2_authenticated_name_change_waits_for_the_bureau(authenticated, admin_user):
    organisation = authenticated.organisation
    saved = organisation_update(
        actor=authenticated, organisation=organisation, name=NEW, contact_name="李经理"
    )
    assert saved.name == "北京旧名称科技有限公司" and saved.contact_name == "李经理"
    change = NameChangeRequest.objects.get(organisation=organisation)
    assert (change.status, change.old_name, change.new_name) == (NameChangeStatus.PENDING, saved.name, NEW)
    assert AuditEvent.objects.filter(action="organisation.name_change_requested").exists()
    assert Notification.objects.filter(
        recipient=admin_user, kind="organisation.name_change_requested"
    ).exists()
    with pytest.raises(ValidationError):  # one pending change at a time
        organisation_update(actor=authenticated, organisation=organisation, name="北京第三个名称有限公司")
    organisation_name_change_decide(actor=admin_user, request=change, approve=True)
    organisation.refresh_from_db()
    assert organisation.name == NEW
    assert AuditEvent.objects.filter(action="organisation.renamed", object_id=str(organisation.pk)).exists()
    assert AuditEvent.objects.filter(action="organisation.name_change_approved").exists()


def test_trust_2_refused_name_change_keeps_the_old_name_and_needs_a_reason(authenticated, admin_user):
    organisation = authenticated.organisation
    organisation_update(actor=authenticated, organisation=organisation, name=NEW)
    change = NameChangeRequest.objects.get(organisation=organisation)
    with pytest.raises(ValidationError):
        organisation_name_change_decide(actor=admin_user, request=change, approve=False)
    organisation_name_change_decide(actor=admin_user, request=change, approve=False, reason="与营业执照不符")
    organisation.refresh_from_db()
    assert organisation.name == "北京旧名称科技有限公司"
    assert NameChangeRequest.objects.get(pk=change.pk).status == NameChangeStatus.REJECTED
    with pytest.raises(Exception):  # noqa: B017  (only admins decide)
        organisation_name_change_decide(actor=authenticated, request=change, approve=True)


def test_trust_2_provider_with_a_credit_code_is_locked_too(provider_user):
    organisation_update(actor=provider_user, organisation=provider_user.organisation, name=NEW)
    provider_user.organisation.refresh_from_db()
    assert provider_user.organisation.name != NEW
    assert NameChangeRequest.objects.filter(organisation=provider_user.organisation).exists()


def test_trust_2_before_authentication_the_name_changes_directly():
    user = UserFactory(organisation=OrganisationFactory(enterprise=True, uscc=None))
    saved = organisation_update(actor=user, organisation=user.organisation, name=NEW)
    assert saved.name == NEW and not NameChangeRequest.objects.exists()


def test_trust_2_registry_check_is_pluggable(authenticated, settings):
    settings.VOUCHER_NAME_REGISTRY_CHECK = f"{__name__}.registry_approves"
    organisation_update(actor=authenticated, organisation=authenticated.organisation, name=NEW)
    authenticated.organisation.refresh_from_db()
    assert authenticated.organisation.name == NEW
    assert _calls[-1] == ("91110000600037341L", NEW)
    assert NameChangeRequest.objects.get().status == NameChangeStatus.APPROVED


@pytest.mark.parametrize(
    "name",
    ["北京市经济和信息化局", "市经济和信息化局\u200b", " 北京市经济和信息化局", "北京市经济和信息化局\u202e"],
)
def test_trust_2_the_bureaus_name_is_reserved(name, admin_user):
    with pytest.raises(ValidationError) as info:
        organisation_create(actor=admin_user, name=name, is_enterprise=True)
    assert info.value.error_dict["name"][0].code == "name_reserved"
    user = UserFactory(organisation=OrganisationFactory(enterprise=True, uscc=None))
    with pytest.raises(ValidationError) as info:
        organisation_update(actor=user, organisation=user.organisation, name=name)
    assert info.value.error_dict["name"][0].code == "name_reserved"


def test_trust_2_review_bodies_names_are_reserved(reviewer_user):
    body = reviewer_user.organisation
    user = UserFactory(organisation=OrganisationFactory(enterprise=True, uscc=None))
    with pytest.raises(ValidationError):
        organisation_update(actor=user, organisation=user.organisation, name=body.name + "\u200b")
    with pytest.raises(ValidationError):
        enterprise_register(
            name=body.name.upper(),
            uscc="91110000600037341L",
            username="imposter",
            password="Trust-2025-pw",
            contact_name="王经理",
            contact_phone="13800138000",
        )
    assert not Organisation.objects.filter(name__startswith=body.name).exclude(pk=body.pk).exists()


def test_trust_2_bureau_page_lists_and_approves(authenticated, admin_user, client):
    organisation_update(actor=authenticated, organisation=authenticated.organisation, name=NEW)
    change = NameChangeRequest.objects.get()
    client.force_login(authenticated)
    assert client.get(reverse("accounts:name_changes")).status_code == 403
    client.force_login(admin_user)
    page = client.get(reverse("accounts:name_changes")).content.decode()
    assert NEW in page and "核准变更" in page
    client.post(reverse("accounts:name_changes"), {"request": change.pk, "decision": "approve"})
    authenticated.organisation.refresh_from_db()
    assert authenticated.organisation.name == NEW
