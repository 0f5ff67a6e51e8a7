"""On PostgreSQL, trigram indexes make the accent-free `contains` search on names use an index
(5.6 million members). SQLite has no such index; the migration does nothing there."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS member_name_trgm_idx ON members_member USING gin (name_search gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS org_name_trgm_idx ON orgs_org USING gin (name_search gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS member_name_trgm_idx")
    schema_editor.execute("DROP INDEX IF EXISTS org_name_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial"), ("orgs", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
