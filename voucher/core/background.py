"""Long work that an earlier stage's page hands to the task engine (the top stage), asked by name.

The pages of claims, applications and the dashboard queue their jobs without importing the task engine:
it installs its job services here when it starts (``voucher.tasks.apps``), each under a name such as
``"claim_merge"``; a page calls :func:`job_service` with that name and keyword arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_services: dict[str, Callable[..., Any]] = {}


def install_job_services(services: dict[str, Callable[..., Any]]) -> None:
    """Make ``services`` (name → callable) the ones pages reach through :func:`job_service`."""
    _services.update(services)


def job_service(name: str) -> Callable[..., Any]:
    """The job service installed under ``name`` (a ``KeyError`` when the task engine is not installed)."""
    return _services[name]
