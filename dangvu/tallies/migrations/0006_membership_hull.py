from django.db import migrations

from dangvu.tallies.triggers import create_sql, drop_sql


def replace(apps, schema_editor):
    # PostgreSQL: the memberships' queue triggers queue one row per cell and statement, spanning the days of
    # its rows (`triggers.HULL_TABLE`), instead of one row per membership. SQLite keeps its row triggers.
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in [*drop_sql("postgresql"), *create_sql("postgresql")]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("tallies", "0005_statement_triggers")]

    # Backwards: the triggers stay as they are; either form queues what the sync needs.
    operations = [migrations.RunPython(replace, migrations.RunPython.noop)]
