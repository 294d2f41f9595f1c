"""Spot checks (M2): the eligible population, the seeded draw, assigning inspectors and recording
findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse

from voucher.accounts.models import User
from voucher.contracts.models import Contract
from voucher.core import clock
from voucher.core.audit import audit_record, snapshot
from voucher.core.errors import FieldErrors, refuse
from voucher.core.notifications import notify
from voucher.core.permissions import has_capability
from voucher.enforcement import permissions, sampling
from voucher.enforcement.choices import (
    POPULATION_STATUSES,
    FindingOutcome,
    SpotCheckAction,
    SpotCheckTarget,
)
from voucher.enforcement.models import (
    SpotCheck,
    SpotCheckItem,
)
from voucher.enforcement.services.common import ITEM_AUDIT, _text
from voucher.enforcement.transitions import SPOT_CHECK
from voucher.orders.models import Order
from voucher.programmes.models import ProgrammeYear

# --- spot checks (M2) --------------------------------------------------------------------------------


def population_status(target: str, given: str) -> str:
    """The status code for ``given`` — a code or its Chinese label (``服务已完成``, or just ``已完成``).

    Raises a :class:`ValidationError` on ``status`` naming the statuses of ``target`` when none matches.
    """
    given = (given or "").strip()
    if not given:
        return ""
    choices = POPULATION_STATUSES.get(target, [])
    for code, label in choices:
        if given in (code, label):
            return code
    partial = [code for code, label in choices if given in label]
    if len(partial) == 1:
        return partial[0]
    allowed = "、".join(label for _, label in choices)
    what = SpotCheckTarget(target).label if target in SpotCheckTarget.values else "订单或合同"
    raise ValidationError(
        {"status": ValidationError(f"{what}的状态只能是：{allowed}。", code="invalid_status")}
    )


def eligible_population(programme: ProgrammeYear, target: str, filters: dict[str, str]) -> list[int]:
    """The sorted ids (orders or contracts) the filters select today."""
    direction = filters.get("direction") or ""
    status = filters.get("status") or ""
    rows: QuerySet[Any]
    if target == SpotCheckTarget.CONTRACTS:
        rows = Contract.objects.filter(programme=programme)
        if direction:
            rows = rows.filter(product__direction__code=direction)
    else:
        rows = Order.objects.filter(programme=programme)
        if direction:
            rows = rows.filter(product__direction__code=direction)
    if status:
        rows = rows.filter(status=status)
    return sorted(rows.values_list("pk", flat=True))


def _checked_request(
    target: str, status: str, size: int | None, percent: Decimal | None, seed: str
) -> tuple[str, str]:
    """Check what a draw asks for, every problem at its field; returns the trimmed seed and the status
    the population is filtered on."""
    errors = FieldErrors()
    if target not in SpotCheckTarget.values:
        errors.add("target", "invalid_target", "请选择抽查对象（订单或合同）。")
    if (size is None) == (percent is None):
        errors.add("size", "size_or_percent", "请填写抽样数量或抽样比例（二选一）。")
    if size is not None and size < 1:
        errors.add("size", "size_not_positive", "抽样数量至少为 1。")
    if percent is not None and not (Decimal(0) < percent <= Decimal(100)):
        errors.add("percent", "percent_range", "抽样比例须大于 0 且不超过 100。")
    seed = (seed or "").strip()
    if len(seed) > 128:
        errors.add("seed", "too_long", "随机种子不能超过 128 个字符。")
    if target in SpotCheckTarget.values:
        try:
            status = population_status(target, status)
        except ValidationError as exc:
            errors.add("status", "invalid_status", exc.message_dict["status"][0])
    errors.raise_any()
    return seed, status


def _create_items(check: SpotCheck, target: str, sample: list[int]) -> None:
    """One item per drawn order or contract, in the order drawn."""
    if target == SpotCheckTarget.CONTRACTS:
        contracts = Contract.objects.in_bulk(sample)
        items = [
            SpotCheckItem(
                spot_check=check, position=i + 1, order_id=contracts[pk].order_id, contract=contracts[pk]
            )
            for i, pk in enumerate(sample)
        ]
    else:
        items = [SpotCheckItem(spot_check=check, position=i + 1, order_id=pk) for i, pk in enumerate(sample)]
    SpotCheckItem.objects.bulk_create(items)


@transaction.atomic
def spot_check_draw(
    *,
    actor: Any,
    programme: ProgrammeYear,
    target: str,
    title: str = "",
    direction: str = "",
    status: str = "",
    size: int | None = None,
    percent: Decimal | None = None,
    seed: str = "",
) -> SpotCheck:
    """Draw a sample with a recorded seed (a fresh ``secrets`` seed when none is given); the population's
    ids and their hash are stored so the draw can be re-run and verified."""
    permissions.can_draw_spot_check(actor).enforce()
    seed, status = _checked_request(target, status, size, percent, seed)
    filters = {k: v for k, v in {"direction": direction, "status": status}.items() if v}
    population = eligible_population(programme, target, filters)
    if not population:
        raise refuse("empty_population", "符合条件的订单或合同为 0，无法抽样。", "__all__")
    sample_size = sampling.size_for(len(population), size=size, percent=percent)
    if sample_size > len(population):
        raise refuse("size_above_population", f"抽样数量不能超过符合条件的总数 {len(population)}。", "size")
    seed = seed or sampling.new_seed()
    sample = sampling.draw(seed, population, sample_size)
    label = SpotCheckTarget(target).label
    check = SpotCheck.objects.create(
        programme=programme,
        target=target,
        title=(title or "").strip()[:100] or f"{programme.year} 年度{label}抽查",
        filters=filters,
        requested_size=size,
        requested_percent=percent,
        sample_size=sample_size,
        seed=seed,
        population_ids=population,
        population_count=len(population),
        population_hash=sampling.population_hash(population),
        sample_ids=sample,
        created_at=clock.now(),
        created_by=actor,
    )
    _create_items(check, target, sample)
    audit_record(
        actor=actor,
        action="spot_check.drawn",
        obj=check,
        after={
            "target": target,
            "filters": filters,
            "seed": seed,
            "population_count": len(population),
            "population_hash": check.population_hash,
            "sample_ids": sample,
        },
    )
    return check


@transaction.atomic
def spot_check_assign(
    *, actor: Any, check: SpotCheck, inspector: User, items: Iterable[SpotCheckItem] | None = None
) -> list[SpotCheckItem]:
    """Assign a reviewer or admin as inspector of the given items (default: those still unassigned)."""
    locked = SpotCheck.objects.select_for_update().get(pk=check.pk)
    permissions.can_assign_inspectors(actor, locked).enforce()
    if not (has_capability(inspector, "enforcement.inspect")):
        raise refuse("not_inspector", "检查人须为评审机构或市经信局的在职人员。", "inspector")
    rows = locked.items.select_for_update().filter(outcome="")
    if items is not None:
        rows = rows.filter(pk__in=[i.pk for i in items])
    else:
        rows = rows.filter(inspector__isnull=True)
    changed = list(rows)
    if not changed:
        raise refuse("nothing_to_assign", "没有可分配的抽查项目（已有结论的项目不能改派）。", "items")
    for item in changed:
        before = snapshot(item, ITEM_AUDIT)
        item.inspector = inspector
        item.save(update_fields=["inspector"])
        audit_record(
            actor=actor,
            action="spot_check_item.assigned",
            obj=item,
            before=before,
            after=snapshot(item, ITEM_AUDIT),
        )
    notify(
        recipients=[inspector],
        kind="spot_check_assigned",
        title=f"抽查任务：{locked.title}（{len(changed)} 项）",
        body="请核查分配给您的订单或合同并记录检查情况。",
        url=reverse("enforcement:spot_check", args=[locked.pk]),
    )
    return changed


@transaction.atomic
def spot_check_record_finding(
    *, actor: Any, item: SpotCheckItem, outcome: str, findings: str
) -> SpotCheckItem:
    """The inspector records what was found and the outcome; the check closes when every item has one."""
    locked = SpotCheckItem.objects.select_for_update().select_related("spot_check").get(pk=item.pk)
    permissions.can_record_finding(actor, locked).enforce()
    errors = FieldErrors()
    if outcome not in FindingOutcome.values:
        errors.add("outcome", "invalid_outcome", "请选择检查结论。")
    findings = _text(errors, "findings", findings, "检查情况")
    errors.raise_any()
    before = snapshot(locked, ITEM_AUDIT)
    locked.outcome = outcome
    locked.findings = findings
    locked.recorded_at = clock.now()
    locked.recorded_by = actor
    locked.save(update_fields=["outcome", "findings", "recorded_at", "recorded_by"])
    audit_record(
        actor=actor,
        action="spot_check_item.finding",
        obj=locked,
        before=before,
        after=snapshot(locked, ITEM_AUDIT),
    )
    check = SpotCheck.objects.select_for_update().get(pk=locked.spot_check_id)
    if (
        SPOT_CHECK.can_move(check.status, SpotCheckAction.CLOSE)
        and not check.items.filter(outcome="").exists()
    ):
        SPOT_CHECK.move(check, SpotCheckAction.CLOSE)
        check.closed_at = clock.now()
        check.save(update_fields=["status", "closed_at"])
        audit_record(actor=actor, action="spot_check.closed", obj=check, after={"status": check.status})
        notify(
            recipients=[check.created_by],
            kind="spot_check_closed",
            title=f"抽查已完成：{check.title}",
            body="所有抽查项目均已记录检查结论。",
            url=reverse("enforcement:spot_check", args=[check.pk]),
        )
    locked.spot_check = check
    return locked
