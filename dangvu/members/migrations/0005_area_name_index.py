"""On PostgreSQL, the member's area (`area_id`, kept by triggers) inside the trigram index on the folded
name, so that a search in a province reads that province's candidates only (dangvu.members.name_index).
Nothing on SQLite, whose FTS5 table (migration 0004) does the search there."""

from django.db import migrations


def forwards(apps, schema_editor):
    from dangvu.members import name_index

    if schema_editor.connection.vendor == "postgresql":
        for sql in name_index.PG_CREATE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    from dangvu.members import name_index

    if schema_editor.connection.vendor == "postgresql":
        for sql in name_index.PG_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("members", "0004_name_search_fts"), ("orgs", "0002_orgversion_valid_to_index")]
    operations = [migrations.RunPython(forwards, backwards)]
