"""On SQLite, an FTS5 trigram table on the folded name (dangvu.members.name_index), the counterpart of
PostgreSQL's trigram index of migration 0002; nothing on PostgreSQL."""

from django.db import migrations


def forwards(apps, schema_editor):
    from dangvu.members import name_index

    name_index.ensure(schema_editor.connection)


def backwards(apps, schema_editor):
    from dangvu.members import name_index

    name_index.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("members", "0003_membership")]
    operations = [migrations.RunPython(forwards, backwards)]
