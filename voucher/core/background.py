"""Long work that an earlier stage's page hands to the task engine (the top stage), asked by name.

The pages and API operations of claims, applications, enterprises and the dashboard queue their jobs
without importing the task engine: it installs its job services here when it starts
(``voucher.tasks.apps``), each under a name such as ``"claim_merge"``; a caller calls :func:`job_service`
with that name and keyword arguments. An API operation answers the queued job with :func:`job_accepted`
(HTTP 202, the :class:`JobOut` shape ``GET /api/v1/tasks/jobs/{id}`` answers too).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ninja import Schema, Status

_services: dict[str, Callable[..., Any]] = {}

JOB_ACCEPTED = 202


class JobOut(Schema):
    """A background job as the API shows it: poll ``GET /api/v1/tasks/jobs/{id}`` until ``status`` is
    ``done`` (``download_url`` offers the file, ``result_url`` the page with what it changed,
    ``result_api_url`` the record it made, if any) or ``failed`` (``message``, and ``details`` item by
    item)."""

    id: int
    title: str
    status: str
    status_label: str
    progress: int
    message: str
    download_url: str
    result_url: str
    result_api_url: str
    details: list[str]
    created_at: dt.datetime
    finished_at: dt.datetime | None


def install_job_services(services: dict[str, Callable[..., Any]]) -> None:
    """Make ``services`` (name → callable) the ones pages reach through :func:`job_service`."""
    _services.update(services)


def job_service(name: str) -> Callable[..., Any]:
    """The job service installed under ``name`` (a ``KeyError`` when the task engine is not installed)."""
    return _services[name]


def job_state(job: Any) -> dict[str, Any]:
    """What the progress page and the API show of ``job`` (the :class:`JobOut` fields)."""
    state: dict[str, Any] = job_service("job_state")(job)
    return state


def job_accepted(job: Any) -> Status:
    """The API's answer to a request that queued ``job``: 202 with the job's state."""
    return Status(JOB_ACCEPTED, job_state(job))
