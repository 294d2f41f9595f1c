"""Deciding a submitted application (V2): approve, return for changes or reject.

The decision belongs to the review stage above this one — conflict of interest, reviewer assignment and
the decision history (``voucher.reviews``) — which installs its desk in its ``AppConfig.ready``
(:func:`install_review_desk`). This app's page and API ask here, so they never import the stage above.
"""

from __future__ import annotations

from typing import Any, Protocol

from voucher.applications.models import Application
from voucher.core.permissions import Decision


class ReviewDesk(Protocol):
    """Who may decide an application, and the decision itself."""

    def can_decide(self, user: Any, application: Application) -> Decision: ...

    def decide(self, *, actor: Any, application: Application, action: str, comment: str) -> Application:
        """Record the decision; returns the application as decided."""
        ...


_desks: list[ReviewDesk] = []


def install_review_desk(desk: ReviewDesk) -> None:
    """Make ``desk`` the one that decides applications (the last one installed wins)."""
    _desks[:] = [desk]


def _desk() -> ReviewDesk:
    if not _desks:
        raise LookupError("no review desk installed (voucher.reviews is not among INSTALLED_APPS)")
    return _desks[0]


def can_decide(user: Any, application: Application) -> Decision:
    """May ``user`` decide ``application`` now (the page asks to show the decision form)?"""
    return _desk().can_decide(user, application)


def application_decide(*, actor: Any, application: Application, action: str, comment: str) -> Application:
    """Decide ``application`` through the review desk; returns it as decided."""
    return _desk().decide(actor=actor, application=application, action=action, comment=comment)
