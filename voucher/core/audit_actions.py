"""The Chinese name of every audit action code (SPEC M3): the log shows "订单已提交", not ``order.placed``.

Every code passed to :func:`voucher.core.audit.audit_record` is named here; a test reads the source for the
codes it records and fails on one without a name. Admin edits (``<model>.created`` …) are named after the
edited model's ``verbose_name``.
"""

from __future__ import annotations

from django.apps import apps

ACTION_NAMES: dict[str, str] = {
    # 申报
    "application.created": "产品申报已创建",
    "application.saved": "产品申报已保存",
    "application.temp_saved": "产品申报已暂存",
    "application.excel_imported": "产品申报已从表格导入",
    "application.name_locked": "申报产品名称已锁定",
    "application.submit": "产品申报已提交",
    "application.submitted": "产品申报已提交",
    "application.approve": "产品申报审核通过",
    "application.return": "产品申报退回修改",
    "application.reject": "产品申报审核不通过",
    "application.deleted": "产品申报已删除",
    "material.uploaded": "申报附件已上传",
    "material.replaced": "申报附件已替换",
    "material.deleted": "申报附件已删除",
    "dossier.updated": "服务商申报资料已更新",
    # 评审与公示
    "review.assigned": "评审已分配",
    "review.unassigned": "评审分配已取消",
    "review.decided": "评审已决定",
    "notice.published": "公示已发布",
    "notice.closed": "公示已结束",
    "objection.filed": "公示异议已提出",
    "objection.open": "公示异议待处理",
    "objection.upheld": "公示异议成立",
    "objection.dismissed": "公示异议不成立",
    # 产品
    "product.created": "配券产品已生成",
    "product.ready": "配券产品公示期满待上线",
    "product.on_sale": "配券产品已上线在售",
    "product.suspended": "配券产品已暂停交易",
    "product.resumed": "配券产品已恢复交易",
    "product.withdrawn": "配券产品已下架",
    # 订单、合同、评价
    "order.placed": "订单已提交",
    "order.accepted": "订单已接单",
    "order.declined": "订单已拒单",
    "order.cancelled": "订单已取消",
    "order.expired": "订单超时未接单",
    "contract.recorded": "服务合同已登记",
    "contract.amended": "服务合同已变更",
    "contract.confirmed": "服务合同已确认",
    "contract.completed": "服务已完成",
    "contract.claim_locked": "服务合同已锁定（已提交兑券）",
    "rating.created": "满意度评价已提交",
    "rating.updated": "满意度评价已修改",
    "rating.replied": "服务商已回复评价",
    # 兑券
    "claim.started": "兑券申请已创建",
    "claim.data_saved": "兑券信息已保存",
    "claim.material_uploaded": "兑券材料已上传",
    "claim.material_replaced": "兑券材料已替换",
    "claim.material_withdrawn": "兑券材料已撤回",
    "claim.invoice_read": "发票已识别",
    "claim.prechecked": "兑券申请已完成自动预检",
    "claim.invoice_reading_corrected": "发票识别结果已更正",
    "claim.edit": "兑券材料已修改",
    "claim.submit": "兑券申请已提交",
    "claim.submitted": "兑券申请已提交",
    "claim.waive": "已放弃兑付",
    "claim.waived": "已放弃兑付",
    "claim.auto_waived": "逾期视同放弃兑付",
    "claim.expire": "逾期视同放弃兑付",
    "claim.approve": "兑券申请审核通过",
    "claim.return": "兑券申请退回补充材料",
    "claim.void": "订单作废，不予兑付",
    # 兑付
    "payee.saved": "收款账户已保存",
    "payout_batch.created": "兑付批次已生成",
    "payout_batch.approved": "兑付批次已批准拨付",
    "payout_batch.published": "兑付公示已发布",
    "payout_batch.exported": "支付文件已导出",
    "payout_batch.partly_paid": "兑付批次部分已支付",
    "payout_batch.paid": "兑付批次已支付",
    "payout_batch.cancelled": "兑付批次已取消",
    "payout_item.paid": "兑付明细已支付",
    "payout_item.removed": "兑付明细已移出批次",
    "payout_objection.filed": "兑付公示异议已提出",
    "payout_objection.open": "兑付公示异议待处理",
    "payout_objection.upheld": "兑付公示异议成立",
    "payout_objection.dismissed": "兑付公示异议不成立",
    # 企业、额度、信用
    "organisation.created": "机构已创建",
    "organisation.updated": "机构信息已修改",
    "organisation.renamed": "机构名称已变更",
    "organisation.uscc_set": "统一社会信用代码已登记",
    "organisation.name_change_requested": "机构名称变更已申请",
    "organisation.name_change_pending": "机构名称变更待核验",
    "organisation.name_change_approved": "机构名称变更已核准",
    "organisation.name_change_rejected": "机构名称变更未核准",
    "enterprise.authenticated": "企业认证通过",
    "enterprise.authentication_refused": "企业认证未通过",
    "classification.created": "企业划型已完成",
    "classification.reviewed": "企业划型已复核",
    "classification.redeclared": "企业已重新申报划型",
    "classification.superseded": "企业划型已被替代",
    "classification.withdrawn": "企业划型已撤回",
    "credit.checked": "信用核查已完成",
    "credit_list.added": "信用名单已添加",
    "credit_list.deactivated": "信用名单已停用",
    "credit_list.import_queued": "信用名单文件已上传待读取",
    "credit_list.import_previewed": "信用名单导入已预览",
    "credit_list.apply_queued": "信用名单导入已排队",
    "credit_list.imported": "信用名单已导入",
    "credit_list.import_discarded": "信用名单导入已放弃",
    "quota.opened": "年度额度账户已开设",
    "quota.grant": "年度额度已发放",
    "quota.reserve": "额度已预占",
    "quota.release": "额度预占已释放",
    "quota.commit": "额度已按合同确认",
    "quota.pay": "额度已兑付",
    "quota.clawback": "额度已追回",
    # 监管
    "spot_check.drawn": "抽查已抽取",
    "spot_check.closed": "抽查已完成",
    "spot_check_item.assigned": "抽查项目已分派",
    "spot_check_item.finding": "抽查结论已登记",
    "spot_check_item.case_linked": "抽查项目已关联违规案件",
    "sanction_case.recorded": "违规案件已登记",
    "sanction.recorded": "违规处理已登记",
    "sanction.lifted": "违规处理已解除",
    "clawback.opened": "资金追回已立项",
    "clawback.repaid": "追回资金已退回",
    "clawback.waived": "资金追回已核销",
    # 平台
    "programme.updated": "年度政策已修改",
    "programme.copied": "年度政策已复制",
    "holiday_schedule.imported": "节假日安排已导入",
    "calendarday.saved": "节假日/调休日已保存",
    "calendarday.deleted": "节假日/调休日已删除",
    "user.created": "用户已创建",
    "identity.linked": "外部身份已关联",
    "otp.setup_started": "开始设置动态口令",
    "otp.enabled": "动态口令已启用",
    "otp.disabled": "动态口令已停用",
    "otp.reset": "动态口令已重置",
    "otp.code_failed": "动态口令验证失败",
    "otp.password_failed": "密码验证失败",
    "otp.recovery_code_used": "已使用恢复码登录",
    "otp.recovery_codes_regenerated": "恢复码已重新生成",
    "audit_log.exported": "审计日志已导出",
    "audit_log.verify_failed": "审计日志校验未通过",
    "dashboard.exported": "统计报表已导出",
    "backup.created": "数据备份已生成",
}

# Admin edits: ``<model_name>.<verb>`` → the model's Chinese name followed by the verb.
ADMIN_VERBS = {"created": "已创建", "updated": "已修改", "deleted": "已删除"}


def action_label(code: str, object_type: str = "") -> str:
    """The Chinese name of ``code``; an admin edit is named after its model; an unknown code shows as is."""
    if code in ACTION_NAMES:
        return ACTION_NAMES[code]
    model_name, _, verb = code.rpartition(".")
    if verb in ADMIN_VERBS and object_type.endswith(f".{model_name}"):
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            return code
        return f"{model._meta.verbose_name}{ADMIN_VERBS[verb]}"
    return code


# The kind of an action (the part before its last dot), named for the filter's groups.
KIND_NAMES: dict[str, str] = {
    "application": "产品申报",
    "material": "申报附件",
    "dossier": "服务商申报资料",
    "review": "评审",
    "notice": "公示",
    "objection": "公示异议",
    "product": "配券产品",
    "order": "订单",
    "contract": "服务合同",
    "rating": "满意度评价",
    "claim": "兑券申请",
    "payee": "收款账户",
    "payout_batch": "兑付批次",
    "payout_item": "兑付明细",
    "payout_objection": "兑付公示异议",
    "organisation": "机构",
    "enterprise": "企业认证",
    "classification": "企业划型",
    "credit": "信用核查",
    "credit_list": "信用名单",
    "quota": "年度额度",
    "spot_check": "抽查",
    "spot_check_item": "抽查项目",
    "sanction_case": "违规案件",
    "sanction": "违规处理",
    "clawback": "资金追回",
    "programme": "年度政策",
    "holiday_schedule": "节假日安排",
    "calendarday": "节假日/调休日",
    "user": "用户",
    "identity": "外部身份",
    "otp": "动态口令",
    "audit_log": "审计日志",
    "dashboard": "统计报表",
    "backup": "数据备份",
}


def action_kind_label(prefix: str) -> str:
    """The Chinese name of an action kind given as ``order.`` (or ``order``); a model's name for admin edits."""
    kind = prefix.removesuffix(".")
    if kind in KIND_NAMES:
        return KIND_NAMES[kind]
    for model in apps.get_models():
        if model._meta.model_name == kind:
            return str(model._meta.verbose_name)
    return kind
