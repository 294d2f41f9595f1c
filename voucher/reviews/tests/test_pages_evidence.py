"""Condition evidence reads in Chinese: the conclusion in words and times in Beijing local time (issue 18)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from voucher.applications.models import ConditionCheck
from voucher.core import clock

pytestmark = pytest.mark.django_db


def test_pages_condition_evidence_is_shown_in_chinese_and_local_time(client, admin_user, submitted):
    check = submitted.checks.first() or ConditionCheck(application=submitted)
    check.code, check.title, check.outcome, check.message = "P9-3", "信用良好", "pass", "信用核查通过"
    check.evidence = {
        "核查时间": "2026-12-03T13:47:20.512+00:00",
        "结论": "pass",
        "要求（元）": "2000000.00",
        "筛查命中": ["工具", "插件"],
    }
    check.checked_at = check.checked_at or clock.now()
    check.save()
    assert dict(check.evidence_items()) == {
        "核查时间": "2026年12月3日 21:47",
        "结论": "通过",
        "要求（元）": "2,000,000.00",
        "筛查命中": "工具、插件",
    }
    client.force_login(admin_user)
    for page in (
        reverse("reviews:detail", args=[submitted.pk]),
        reverse("applications:detail", args=[submitted.pk]),
    ):
        html = client.get(page).content.decode()
        assert "结论：通过；" in html and "核查时间：2026年12月3日 21:47；" in html, page
        assert "结论：pass" not in html and "2026-12-03T" not in html, page
