"""P8: submission only inside the programme year's application window; the refusal names the date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from voucher.applications.choices import ApplicationStatus
from voucher.testing.applications import ready_application, submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("day", [dt.date(2025, 4, 28), dt.date(2025, 5, 16)])
def test_p8_submit_on_first_and_last_day(provider_user, programme_2025, day):
    assert submit(provider_user, ready_application(provider_user, programme_2025), day).status == "submitted"


def test_p8_submit_after_the_window_is_refused_with_the_date(provider_user, programme_2025):
    application = ready_application(provider_user, programme_2025)
    with pytest.raises(ValidationError) as exc:
        submit(provider_user, application, dt.date(2025, 5, 17))
    assert "2025年05月16日" in exc.value.messages[0]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_p8_submit_before_the_window_is_refused_with_the_date(provider_user, programme_2025):
    application = ready_application(provider_user, programme_2025)
    with pytest.raises(ValidationError) as exc:
        submit(provider_user, application, dt.date(2025, 4, 27))
    assert "2025年04月28日" in exc.value.messages[0]


def test_p8_window_read_from_the_programme_year(provider_user, programme_2025):
    programme_2025.application_closes_on = dt.date(2025, 5, 31)
    programme_2025.save()
    application = ready_application(provider_user, programme_2025)
    assert submit(provider_user, application, dt.date(2025, 5, 30)).status == "submitted"
