"""The kinds of notification users receive, for the preference page (SPEC N1).

Deadline and decision notices always go out on every channel the user can be reached on: a user may
not switch off being told that an order expires today or that a claim was decided.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    mandatory: bool = False


DEADLINE = "期限提醒"
DECISION = "审核与处理结果"
ACTIVITY = "业务动态"

GROUPS: dict[str, list[Kind]] = {
    DEADLINE: [
        Kind("acceptance_due", "今日为接单截止日", True),
        Kind("order_expired", "订单超时未接单，自动取消", True),
        Kind("claim_auto_waived", "兑券期限届满，视同放弃", True),
        Kind("holiday_schedule_missing", "缺少节假日安排", True),
        Kind("audit_verify_failed", "审计日志校验失败", True),
    ],
    DECISION: [
        Kind("application.status", "申报审核结果", True),
        Kind("classification_result", "企业规模认定结果", True),
        Kind("order_accepted", "服务商已接单", True),
        Kind("order_declined", "服务商已拒单", True),
        Kind("claim_approve", "兑券审核通过", True),
        Kind("claim_return", "兑券退回补充材料", True),
        Kind("claim_void", "订单作废", True),
        Kind("payout.noticed", "兑付公示", True),
        Kind("payout.objection_upheld", "兑付异议成立", True),
        Kind("payout.paid", "已兑付", True),
        Kind("sanction_recorded", "处理决定", True),
        Kind("clawback_opened", "追回决定", True),
        Kind("credit_listed", "信用核查结果", True),
    ],
    ACTIVITY: [
        Kind("order_placed", "新订单"),
        Kind("order_cancelled", "订单已取消"),
        Kind("claim_submitted", "兑券申请已提交"),
        Kind("claim_waived", "放弃兑付"),
        Kind("contract_recorded", "合同已登记"),
        Kind("contract_confirmed", "合同已确认"),
        Kind("contract_amended", "合同已变更"),
        Kind("contract_completed", "服务已完成"),
        Kind("contract_rated", "收到评价"),
        Kind("rating_replied", "评价已回复"),
        Kind("review.assigned", "分配评审任务"),
        Kind("product.noticed", "产品公示"),
        Kind("product.on_sale", "产品上架"),
        Kind("product.withdrawn", "产品下架"),
        Kind("product.suspended", "产品暂停销售"),
        Kind("product.resumed", "产品恢复销售"),
        Kind("objection.filed", "收到异议"),
        Kind("payout_objection.filed", "收到兑付异议"),
        Kind("clawback_reported", "退款报告"),
        Kind("clawback_repaid", "已退回"),
        Kind("clawback_waived", "免予追回"),
        Kind("sanction_lifted", "处理已解除"),
        Kind("spot_check_assigned", "分配抽查任务"),
        Kind("spot_check_closed", "抽查已办结"),
        Kind("credit_failed", "信用核查失败"),
        Kind("account.second_factor", "账户安全"),
    ],
}

MANDATORY: frozenset[str] = frozenset(k.code for kinds in GROUPS.values() for k in kinds if k.mandatory)
KNOWN: frozenset[str] = frozenset(k.code for kinds in GROUPS.values() for k in kinds)


def is_mandatory(kind: str) -> bool:
    """Deadline and decision notices cannot be switched off."""
    return kind in MANDATORY
