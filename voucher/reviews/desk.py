"""The review desk the applications stage decides through (``voucher.applications.decisions``),
installed in this app's ``AppConfig.ready``."""

from __future__ import annotations

from typing import Any

from voucher.applications.models import Application
from voucher.core.permissions import Decision
from voucher.reviews import permissions
from voucher.reviews.services import review_decide


class ApplicationReviewDesk:
    """Decisions go through the review service: conflict of interest, assignment, decision history (V2)."""

    def can_decide(self, user: Any, application: Application) -> Decision:
        return permissions.can_decide(user, application)

    def decide(self, *, actor: Any, application: Application, action: str, comment: str) -> Application:
        return review_decide(actor=actor, application=application, action=action, comment=comment).application
