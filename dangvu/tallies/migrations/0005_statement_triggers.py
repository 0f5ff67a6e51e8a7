from django.db import migrations

from dangvu.tallies.triggers import create_sql, drop_row_triggers_sql, drop_sql


def replace(apps, schema_editor):
    # PostgreSQL: the row-level queue triggers of 0002 give way to statement-level ones with transition
    # tables (the same queue rows, one INSERT … SELECT per statement). SQLite keeps its row triggers.
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in [*drop_row_triggers_sql(), *drop_sql("postgresql"), *create_sql("postgresql")]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("tallies", "0004_cache_table")]

    # Backwards: the statement-level triggers stay; they queue the same rows (0002's reverse drops them).
    operations = [migrations.RunPython(replace, migrations.RunPython.noop)]
