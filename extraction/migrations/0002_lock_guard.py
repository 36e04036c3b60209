"""The database itself refuses to change a review's extraction data while its extraction is
locked (an extraction_extractionlock row exists for the review), and refuses to change a
snapshot ever, whatever code runs against it: the services, the admin, a shell, raw SQL.

Deleting a review takes its lock row first (extraction.receivers), so its data can go."""

from django.db import migrations

GUARDED = (
    "extraction_extractionsettings",
    "extraction_study",
    "extraction_studyreport",
    "extraction_formversion",
    "extraction_extraction",
    "extraction_studyfieldvalue",
    "extraction_arm",
    "extraction_outcomevalue",
    "extraction_consensusdecision",
)
LOCKED = (
    "extraction is locked for this review: a lead must unlock it, with a reason, before "
    "extraction data can change"
)
FROZEN = "a snapshot never changes once written"

LOCK_EXISTS = "EXISTS (SELECT 1 FROM extraction_extractionlock WHERE review_id = {})"


def sqlite_sql() -> list[str]:
    statements = []
    for table in GUARDED:
        for op, when in (
            ("INSERT", LOCK_EXISTS.format("NEW.review_id")),
            ("UPDATE", f"{LOCK_EXISTS.format('NEW.review_id')} OR "
                       f"{LOCK_EXISTS.format('OLD.review_id')}"),
            ("DELETE", LOCK_EXISTS.format("OLD.review_id")),
        ):
            statements.append(
                f"CREATE TRIGGER {table}_locked_{op.lower()} BEFORE {op} ON {table} "
                f"WHEN {when} BEGIN SELECT RAISE(ABORT, '{LOCKED}'); END;"
            )
    statements.append(
        "CREATE TRIGGER extraction_snapshot_no_update BEFORE UPDATE ON extraction_snapshot "
        f"BEGIN SELECT RAISE(ABORT, '{FROZEN}'); END;"
    )
    return statements


POSTGRES_FUNCTIONS = f"""
CREATE FUNCTION extraction_refuse_when_locked() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    IF {LOCK_EXISTS.format("NEW.review_id")} THEN
      RAISE EXCEPTION '{LOCKED} (review %)', NEW.review_id;
    END IF;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    IF {LOCK_EXISTS.format("OLD.review_id")} THEN
      RAISE EXCEPTION '{LOCKED} (review %)', OLD.review_id;
    END IF;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE FUNCTION extraction_snapshot_refuse_update() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION '{FROZEN}'; END;
$$ LANGUAGE plpgsql;
"""


def postgres_sql() -> list[str]:
    statements = [POSTGRES_FUNCTIONS]
    for table in GUARDED:
        statements.append(
            f"CREATE TRIGGER {table}_locked BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION extraction_refuse_when_locked();"
        )
    statements.append(
        "CREATE TRIGGER extraction_snapshot_no_update BEFORE UPDATE ON extraction_snapshot "
        "FOR EACH ROW EXECUTE FUNCTION extraction_snapshot_refuse_update();"
    )
    return statements


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": sqlite_sql, "postgresql": postgres_sql}.get(vendor)
    if statements is None:
        return
    for statement in statements():
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for table in GUARDED:
            for op in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER {table}_locked_{op}")
        schema_editor.execute("DROP TRIGGER extraction_snapshot_no_update")
    elif vendor == "postgresql":
        for table in GUARDED:
            schema_editor.execute(f"DROP TRIGGER {table}_locked ON {table}")
        schema_editor.execute("DROP TRIGGER extraction_snapshot_no_update ON extraction_snapshot")
        schema_editor.execute("DROP FUNCTION extraction_refuse_when_locked()")
        schema_editor.execute("DROP FUNCTION extraction_snapshot_refuse_update()")


class Migration(migrations.Migration):
    dependencies = [("extraction", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
