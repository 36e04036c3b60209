"""The database itself refuses to change an audit event, whatever code runs against it."""

from django.db import migrations

SQLITE = """
CREATE TRIGGER reviews_auditevent_no_update BEFORE UPDATE ON reviews_auditevent
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""
POSTGRES = """
CREATE FUNCTION reviews_auditevent_refuse_update() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER reviews_auditevent_no_update BEFORE UPDATE ON reviews_auditevent
FOR EACH ROW EXECUTE FUNCTION reviews_auditevent_refuse_update();
"""


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES)


def drop_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in ("sqlite", "postgresql"):
        schema_editor.execute("DROP TRIGGER reviews_auditevent_no_update ON reviews_auditevent"
                              if vendor == "postgresql"
                              else "DROP TRIGGER reviews_auditevent_no_update")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION reviews_auditevent_refuse_update()")


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
