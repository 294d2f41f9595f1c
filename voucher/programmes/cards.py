"""Workbench cards about the programme year: the dates that matter to each role."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from voucher.core import clock
from voucher.core.permissions import has_any_capability, has_capability
from voucher.core.workbench import Card, register
from voucher.programmes.selectors import programme_current


def _d(day: Any) -> str:
    return f"{day:%Y年%-m月%-d日}"


@register
def programme_dates_card(user: Any) -> list[Card]:
    programme = programme_current()
    if programme is None:
        return [Card(title="年度政策", lines=[("", "尚未配置年度政策")], order=20)]
    today = clock.today()
    lines: list[tuple[str, str]] = []
    tone = "normal"
    if has_any_capability(user, "applications.file", "applications.review"):
        window = f"{_d(programme.application_opens_on)} — {_d(programme.application_closes_on)}"
        state = (
            "申报中"
            if programme.application_window_open(today)
            else ("未开始" if today < programme.application_opens_on else "已截止")
        )
        lines.append(("配券产品申报", f"{window}（{state}）"))
        lines.append(("评审及公示完成", _d(programme.review_deadline)))
        if has_capability(user, "applications.file") and state == "申报中":
            days_left = (programme.application_closes_on - today).days
            lines.append(("距申报截止", f"{days_left} 天"))
            tone = "attention"
    lines.append(("最后下单日", _d(programme.last_order_day)))
    lines.append(("兑券最晚截止", _d(programme.claim_final_date)))
    if has_capability(user, "party.enterprise"):
        lines.append(("年度补贴上限", f"{programme.annual_cap_per_enterprise:,.0f} 元"))
        lines.append(("补贴比例", f"不超过合同金额的 {programme.subsidy_rate_percent}%"))
    links = [("查看年度政策", reverse("programmes:detail", args=[programme.year]))]
    if has_capability(user, "programmes.manage"):
        links.append(("编辑年度政策", reverse("admin:programmes_programmeyear_change", args=[programme.pk])))
    return [Card(title=programme.title, lines=lines, links=links, tone=tone, order=20)]
