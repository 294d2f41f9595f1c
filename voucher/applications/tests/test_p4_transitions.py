"""P4/V2: the status table; every move not in the table is refused, from every status."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from voucher.applications import services
from voucher.applications.choices import ApplicationAction, ApplicationStatus
from voucher.applications.models import Application
from voucher.applications.transitions import TRANSITIONS, IllegalTransition, can_move, transition
from voucher.core.models import AuditEvent, Notification
from voucher.testing.applications import ready_application, submit

ALL_MOVES = list(itertools.product(ApplicationStatus.values, ApplicationAction.values))


@pytest.mark.parametrize(("status", "action"), ALL_MOVES)
def test_p4_transition_table_allows_only_listed_moves(status, action):
    if (action, status) in TRANSITIONS:
        assert transition(status, action) == TRANSITIONS[(action, status)]
        assert can_move(status, action)
    else:
        with pytest.raises(IllegalTransition):
            transition(status, action)
        assert not can_move(status, action)


def test_p4_table_reaches_every_status():
    assert set(TRANSITIONS.values()) | {ApplicationStatus.DRAFT} == set(ApplicationStatus.values)


ILLEGAL = [(s, a) for s, a in ALL_MOVES if (a, s) not in TRANSITIONS]


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_p4_service_refuses_every_illegal_move(status, action, provider_user, reviewer_user, programme_2025):
    application = ready_application(provider_user, programme_2025)
    Application.objects.filter(pk=application.pk).update(
        status=status, last_submitted_at=application.created_at
    )
    application.refresh_from_db()
    before = AuditEvent.objects.count()
    if action == ApplicationAction.SUBMIT:
        # Locked statuses are refused by the edit permission, the rest by the table.
        with pytest.raises((ValidationError, PermissionDenied)):
            submit(provider_user, application)
    else:
        with pytest.raises(ValidationError):
            services.application_decide(
                actor=reviewer_user, application=application, action=action, comment="意见"
            )
    application.refresh_from_db()
    assert application.status == status
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (ApplicationAction.APPROVE, ApplicationStatus.APPROVED),
        (ApplicationAction.RETURN, ApplicationStatus.RETURNED),
        (ApplicationAction.REJECT, ApplicationStatus.REJECTED),
    ],
)
def test_v2_decisions_move_audit_and_notify(action, expected, provider_user, reviewer_user, submitted):
    moved = services.application_decide(
        actor=reviewer_user, application=submitted, action=action, comment="意见"
    )
    assert moved.status == expected
    assert moved.decided_by == reviewer_user
    event = AuditEvent.objects.filter(action=f"application.{action}", object_id=str(moved.pk)).get()
    assert event.before["status"] == "submitted" and event.after["status"] == expected
    assert Notification.objects.filter(recipient=provider_user, title__contains=expected.label).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("action", [ApplicationAction.RETURN, ApplicationAction.REJECT])
def test_v2_return_and_reject_need_a_comment(action, reviewer_user, submitted):
    with pytest.raises(ValidationError) as exc:
        services.application_decide(actor=reviewer_user, application=submitted, action=action, comment=" ")
    assert "comment" in exc.value.message_dict


@pytest.mark.django_db
def test_v2_provider_cannot_decide(provider_user, submitted):
    with pytest.raises(PermissionDenied):
        services.application_approve(actor=provider_user, application=submitted)


@pytest.mark.django_db
def test_p4_submit_is_audited_and_notifies_the_provider(provider_user, submitted):
    assert AuditEvent.objects.filter(action="application.submitted", object_id=str(submitted.pk)).exists()
    assert Notification.objects.filter(recipient=provider_user, kind="application.status").exists()
