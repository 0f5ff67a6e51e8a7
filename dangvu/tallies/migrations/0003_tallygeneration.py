from django.db import migrations, models


def create_row(apps, schema_editor):
    apps.get_model("tallies", "TallyGeneration").objects.create(pk=1, n=0)


class Migration(migrations.Migration):
    dependencies = [("tallies", "0002_triggers")]

    operations = [
        migrations.CreateModel(
            name="TallyGeneration",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("n", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
