"""On PostgreSQL, the finest statistics on the organisations' paths (10,000 histogram buckets instead of
100), so that a subtree's `path LIKE '/1/7/42/%'` is estimated from the rows: with the default histogram
every subtree below a province looked like 1 % of the tree (3,000 organisations for the 10 of a grassroots
committee among 306,000), and the member list of that organisation was planned as a scan of 5.6 million
members (1.4–5.5 s; 20 ms with these statistics). Nothing on SQLite."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE orgs_org ALTER COLUMN path SET STATISTICS 10000")
        schema_editor.execute("ANALYZE orgs_org")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE orgs_org ALTER COLUMN path SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_orgversion_valid_to_index")]
    operations = [migrations.RunPython(forwards, backwards)]
