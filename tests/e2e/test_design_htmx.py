"""Issue 19: htmx in a real browser — the catalogue filters without a reload (the address follows, Back
returns to the earlier results) and a job's progress page updates itself until the file is ready."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from voucher.core import clock
from voucher.demo.codes import make_uscc
from voucher.tasks.choices import JobKind, JobStatus
from voucher.tasks.models import Job
from voucher.testing.browser import assert_labelled_and_fits, login
from voucher.testing.builders import make_product
from voucher.testing.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_design_catalogue_filters_without_a_reload(live_server, programme_2025, phone):
    provider = UserFactory(provider=True)
    make_product(programme_2025, direction="industrial_design", provider=provider, name="京韵外观设计")
    make_product(programme_2025, direction="energy_audit", provider=provider, name="工厂能源审计")
    base = live_server.url
    phone.goto(f"{base}/catalogue/")
    phone.evaluate("() => { window.samePage = true; }")
    cards = phone.locator("main #catalogue-results article.card")
    expect(cards).to_have_count(2)

    phone.get_by_label("搜索产品名称、简介或服务商").fill("外观")  # typing alone filters, after a pause
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("京韵外观设计")
    expect(phone.locator("#catalogue-count")).to_have_text("共 1 个在售产品")
    phone.wait_for_url("**/catalogue/?q=*")
    assert phone.evaluate("() => window.samePage") is True  # no reload

    phone.get_by_label("搜索产品名称、简介或服务商").fill("")
    phone.get_by_role("button", name="查询").click()
    expect(cards).to_have_count(2)
    expect(phone.get_by_role("button", name="查询")).to_be_enabled()  # usable again at once
    assert phone.evaluate("() => window.samePage") is True
    assert_labelled_and_fits(phone)

    phone.go_back()
    expect(cards).to_have_count(1)


def test_design_job_page_follows_the_job_until_the_file_is_ready(live_server, desktop):
    admin = UserFactory(admin=True, username="job_admin")
    job = Job.objects.create(
        kind=JobKind.AUDIT_EXPORT, owner=admin, title="导出审计日志", created_at=clock.now()
    )
    base = live_server.url
    login(desktop, base, admin.username, "pw-123456")
    desktop.goto(f"{base}/tasks/jobs/{job.pk}/")
    bar = desktop.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    desktop.evaluate("() => { window.samePage = true; }")

    Job.objects.filter(pk=job.pk).update(progress=60)
    expect(bar).to_have_attribute("aria-valuenow", "60", timeout=5000)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, message="导出失败：筛选条件无效")
    expect(desktop.get_by_role("alert")).to_contain_text("导出失败：筛选条件无效", timeout=5000)
    assert desktop.evaluate("() => window.samePage") is True
    assert desktop.locator("#job-status[hx-trigger]").count() == 0  # polling stopped


def test_design_signup_checks_the_credit_code_as_the_field_is_left(live_server, programme_2025, phone):
    phone.goto(f"{live_server.url}/enterprise/signup/")
    phone.evaluate("() => { window.samePage = true; }")
    code = phone.get_by_label("统一社会信用代码")
    code.fill(make_uscc(4322, division="310115"))
    code.press("Tab")
    expect(phone.locator("main")).to_contain_text("不是北京市的登记机关")
    expect(phone.get_by_label("统一社会信用代码")).to_have_class(re.compile("is-invalid"))

    phone.get_by_label("统一社会信用代码").fill(make_uscc(4321, division="110302"))
    phone.get_by_label("统一社会信用代码").press("Tab")
    expect(phone.locator("main")).not_to_contain_text("不是北京市的登记机关")
    assert phone.evaluate("() => window.samePage") is True  # checked without a reload
