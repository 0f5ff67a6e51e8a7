from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # The table of the page caches (settings.CACHES, `tallies.cache`) when they live in the database:
    # `createcachetable` creates it from the settings, and does nothing when it exists or the cache is
    # in memory.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("tallies", "0003_tallygeneration")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
