from django.db import migrations

from dangvu.tallies.triggers import create_sql, drop_sql


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in create_sql(vendor):
        schema_editor.execute(sql)
    # Whatever exists already is counted by the first `sync` (a full rebuild).
    apps.get_model("tallies", "TallyDirty").objects.create(rebuild=True)


def drop(apps, schema_editor):
    for sql in drop_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("tallies", "0001_initial"),
        ("orgs", "0001_initial"),
        ("members", "0003_membership"),
        ("evaluations", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
