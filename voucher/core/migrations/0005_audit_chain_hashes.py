"""Hash the audit events already recorded and let sealing (only) through the append-only guard (SPEC M3).

The guard triggers of 0002 are replaced: an UPDATE passes only when the row is not sealed yet
(``chain_hash`` and ``chain_seq`` still NULL) and every content column — including ``content_hash`` —
keeps its value; every other UPDATE is refused. PostgreSQL still refuses every DELETE. SQLite's DELETE
stays guarded by the model layer only (the test runner empties SQLite tables with DELETE).

Existing rows get their content hash while the guard is lifted; they are sealed by ``audit_seal``.
"""

from django.db import migrations, models

CONTENT_COLUMNS = (
    "id",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "note",
    "content_hash",
)
PG_UNCHANGED = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in CONTENT_COLUMNS)
SQLITE_UNCHANGED = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in CONTENT_COLUMNS)

PG_DROP = """
DROP TRIGGER IF EXISTS core_auditevent_no_update ON core_auditevent;
DROP TRIGGER IF EXISTS core_auditevent_no_delete ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_append_only();
"""
PG_CREATE = f"""
CREATE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.chain_hash IS NULL AND OLD.chain_seq IS NULL AND {PG_UNCHANGED} THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'core_auditevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
  FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
  FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
"""
PG_CREATE_0002 = """
CREATE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'core_auditevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
  FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
  FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS core_auditevent_no_update;"
SQLITE_CREATE = f"""
CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
WHEN NOT (OLD.chain_hash IS NULL AND OLD.chain_seq IS NULL AND {SQLITE_UNCHANGED})
BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only'); END;
"""
SQLITE_CREATE_0002 = """
CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only'); END;
"""


def _guard(schema_editor, *, pg: str, sqlite: str) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP)
        schema_editor.execute(pg)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
        schema_editor.execute(sqlite)


def _lift(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


def forward(apps, schema_editor):
    from voucher.core.audit_hash import content_hash_of

    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditLog = apps.get_model("core", "AuditLog")
    _lift(schema_editor)
    plain = models.QuerySet(AuditEvent)
    batch = []
    for event in plain.filter(content_hash="").order_by("id").iterator(chunk_size=2000):
        event.content_hash = content_hash_of(event)
        batch.append(event)
        if len(batch) >= 500:
            plain.bulk_update(batch, ["content_hash"])
            batch = []
    if batch:
        plain.bulk_update(batch, ["content_hash"])
    AuditLog.objects.get_or_create(pk=1)
    _guard(schema_editor, pg=PG_CREATE, sqlite=SQLITE_CREATE)


def backward(apps, schema_editor):
    _guard(schema_editor, pg=PG_CREATE_0002, sqlite=SQLITE_CREATE_0002)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_chain")]
    operations = [migrations.RunPython(forward, backward)]
