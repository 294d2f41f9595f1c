"""The data migration that moved payout-batch objections into the shared objection model, both ways."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from voucher.core import clock
from voucher.payouts import services
from voucher.reviews.models import Objection

BEFORE = [("payouts", "0003_objection_item_links")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_kernel_objection_migration_moves_payout_objections_back_and_forth(noticed, admin_user):
    first, second = list(noticed.items.order_by("id"))[:2]
    with clock.frozen_at(noticed.notice_starts_on):
        kept = services.payout_objection_file(
            actor=None,
            batch=noticed,
            item_ids=[first.pk, second.pk],
            name="举报人",
            contact="139",
            text="未服务",
        )
        services.payout_objection_file(
            actor=None, batch=noticed, item_ids=[second.pk], name="乙", contact="1", text="重复"
        )
    services.payout_objection_resolve(actor=admin_user, objection=kept, action="dismiss", resolution="已核实")
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old_apps = _migrate(BEFORE)
        PayoutObjection = old_apps.get_model("payouts", "PayoutObjection")
        assert old_apps.get_model("reviews", "Objection").objects.filter(batch__isnull=False).count() == 0
        rows = list(PayoutObjection.objects.order_by("id"))
        assert [(r.name, r.status, r.resolution, r.batch_id) for r in rows] == [
            ("举报人", "dismissed", "已核实", noticed.pk),
            ("乙", "open", "", noticed.pk),
        ]
        assert sorted(rows[0].items.values_list("id", flat=True)) == [first.pk, second.pk]
        assert list(rows[1].items.values_list("id", flat=True)) == [second.pk]
    finally:
        _migrate(leaves)
    moved = list(Objection.objects.filter(batch=noticed).order_by("id"))
    assert [(o.name, o.status, o.resolution, o.resolved_by_id) for o in moved] == [
        ("举报人", "dismissed", "已核实", admin_user.pk),
        ("乙", "open", "", None),
    ]
    assert sorted(moved[0].payout_items.values_list("id", flat=True)) == [first.pk, second.pk]
    assert list(moved[1].payout_items.values_list("id", flat=True)) == [second.pk]
    assert noticed.objections.filter(status="open").count() == 1
