"""Sealing and verifying the audit chain (SPEC M3, tamper evidence).

Business transactions only INSERT events, each with its content hash, and take no shared lock. Sealing
later gives the committed, unsealed events — in id order — a gap-free ``chain_seq`` and
``chain_hash = sha256(previous chain_hash + content_hash)``. Sealers serialise on the one
:class:`~voucher.core.models.AuditLog` row (``SELECT … FOR UPDATE``), so running several at once, or
again, is safe and changes nothing that is already sealed.

Verification recomputes every content hash and the whole chain, checks that the sequence has no gap
and that it ends where the chain head says, and names the first broken entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import IntegrityError, connection, models, transaction

from voucher.core import clock
from voucher.core.audit_hash import GENESIS, chain_hash, content_hash_of
from voucher.core.models import AuditEvent, AuditLog

SEAL_BATCH = 1000
VERIFY_CHUNK = 2000


@dataclass(frozen=True)
class SealResult:
    """How many events this run sealed, and the chain head afterwards."""

    sealed: int
    seq: int
    head_hash: str


def audit_log_row() -> AuditLog:
    """The chain-head row (created on first use)."""
    try:
        with transaction.atomic():
            log, _ = AuditLog.objects.get_or_create(pk=AuditLog.SINGLETON)
    except IntegrityError:  # created by a concurrent caller
        log = AuditLog.objects.get(pk=AuditLog.SINGLETON)
    return log


def _seal_batch(limit: int) -> tuple[int, AuditLog]:
    with transaction.atomic():
        log = AuditLog.objects.select_for_update().get(pk=AuditLog.SINGLETON)
        rows = list(
            AuditEvent.objects.filter(chain_seq__isnull=True)
            .order_by("id")
            .only("id", "content_hash")[:limit]
        )
        if not rows:
            return 0, log
        seq, head = log.seq, log.head_hash
        for row in rows:
            seq += 1
            head = chain_hash(head, row.content_hash)
            row.chain_seq, row.chain_hash = seq, head
        # The model refuses updates; the database lets only this one through (chain fields still empty).
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {AuditEvent._meta.db_table} SET chain_seq = %s, chain_hash = %s WHERE id = %s",  # noqa: S608
                [(row.chain_seq, row.chain_hash, row.pk) for row in rows],
            )
        log.seq, log.head_hash, log.sealed_at = seq, head, clock.now()
        log.save(update_fields=["seq", "head_hash", "sealed_at"])
        return len(rows), log


def audit_seal(*, batch: int = SEAL_BATCH) -> SealResult:
    """Seal every committed unsealed event; idempotent and safe to run concurrently.

    Each batch is its own transaction holding the chain-head lock, so sealing never blocks the
    business transactions that insert events, and a long backlog does not hold the lock for long.
    """
    audit_log_row()
    total = 0
    while True:
        count, log = _seal_batch(batch)
        total += count
        if count < batch:
            return SealResult(sealed=total, seq=log.seq, head_hash=log.head_hash)


@dataclass(frozen=True)
class Problem:
    """The first place where the log does not match its hashes."""

    reason: str
    event_id: int | None = None
    at: str = ""
    action: str = ""
    object: str = ""

    def describe(self) -> str:
        if self.event_id is None:
            return self.reason
        return f"条目 id={self.event_id}（时间 {self.at}，动作 {self.action}，对象 {self.object}）：{self.reason}"


@dataclass
class VerifyResult:
    """Counts of what was checked and the first problem found (``None`` when the log is intact)."""

    events: int = 0
    sealed: int = 0
    unsealed: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    problem: Problem | None = None
    problems: int = 0

    @property
    def ok(self) -> bool:
        return self.problem is None


def _problem(event: AuditEvent, reason: str) -> Problem:
    return Problem(
        reason=reason,
        event_id=event.pk,
        at=clock.local(event.at).strftime("%Y-%m-%d %H:%M:%S"),
        action=event.action,
        object=f"{event.object_type}#{event.object_id} {event.object_repr}",
    )


def _events(sealed: bool) -> Iterator[AuditEvent]:
    plain: models.QuerySet[AuditEvent] = models.QuerySet(AuditEvent)
    query = plain.filter(chain_seq__isnull=not sealed)
    query = query.order_by("chain_seq") if sealed else query.order_by("id")
    return query.iterator(chunk_size=VERIFY_CHUNK)


def audit_verify() -> VerifyResult:
    """Recompute every content hash and the chain; report counts and the first broken entry.

    Detected: a changed content column (content hash differs), a changed content hash or chain hash
    (chain hash differs), a removed entry (gap in ``chain_seq``, or a chain shorter than its head), an
    entry added with a forged place in the chain (hash or head mismatch).
    """
    result = VerifyResult()
    log = AuditLog.objects.filter(pk=AuditLog.SINGLETON).first()
    head_seq, head_hash = (log.seq, log.head_hash) if log else (0, GENESIS)
    result.head_seq, result.head_hash = head_seq, head_hash

    def report(problem: Problem) -> None:
        result.problems += 1
        if result.problem is None:
            result.problem = problem

    expected, previous = 1, GENESIS
    for event in _events(sealed=True):
        result.events += 1
        result.sealed += 1
        seq = event.chain_seq or 0
        if seq != expected:
            missing = f"{expected}" if seq == expected + 1 else f"{expected}–{seq - 1}"
            report(_problem(event, f"链序号应为 {expected}，实为 {seq}：序号 {missing} 的条目已被删除"))
            expected = seq
        if content_hash_of(event) != event.content_hash:
            report(_problem(event, "内容与内容哈希不符（条目内容被修改）"))
        if chain_hash(previous, event.content_hash) != event.chain_hash:
            report(_problem(event, "链哈希与前一条目不衔接（条目或其哈希被修改、插入或删除）"))
        previous = event.chain_hash or ""
        expected += 1
    last_seq = expected - 1
    if last_seq != head_seq:
        reason = (
            f"链头记录已封存 {head_seq} 条，链中只有到序号 {last_seq} 的条目：末尾的条目已被删除"
            if last_seq < head_seq
            else f"链头记录已封存 {head_seq} 条，链中却有到序号 {last_seq} 的条目：有条目被伪造插入"
        )
        report(Problem(reason=reason))
    elif previous != head_hash and last_seq:
        report(Problem(reason="链末条目的链哈希与链头记录不符"))
    for event in _events(sealed=False):
        result.events += 1
        result.unsealed += 1
        if content_hash_of(event) != event.content_hash:
            report(_problem(event, "内容与内容哈希不符（条目内容被修改或哈希伪造）"))
    return result
