import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The actor's own index goes: audit_actor_idx leads with it.
    # A plain DROP INDEX on both databases: AlterField would rebuild the table on SQLite (dropping its
    # triggers) and drop and re-validate the foreign keys on PostgreSQL.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='auditrecord',
                    name='actor',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='audit_records', to=settings.AUTH_USER_MODEL, verbose_name='người thực hiện'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "audit_auditrecord_actor_id_8be2b0fb"',
                    'CREATE INDEX "audit_auditrecord_actor_id_8be2b0fb" ON "audit_auditrecord" ("actor_id")',
                ),
            ],
        ),
    ]
