"""The actor is no longer a database foreign key: the trail must outlive its actor (`actor_name` keeps who
it was), and every audited row of an import (one per member) skipped a key check for nothing. Django keeps
SET_NULL when a user is deleted; audit_actor_idx (actor_id, at DESC) stays: the pages of one user's
actions read it, and Django's SET_NULL finds the rows through it.

No AlterField on the database: on SQLite it would rebuild the table. On PostgreSQL the key found in
pg_constraint is dropped; on SQLite a foreign key is part of the table's DDL (`actor_id … REFERENCES
accounts_user`): it stays, until a later migration rebuilds the table from the state. Reversible: the
backward run adds the key back on PostgreSQL, setting to NULL the ids of users deleted meanwhile.
"""

from django.conf import settings
from django.db import migrations, models

from dangvu.lib.foreign_keys import drop_foreign_key, restore_foreign_key

TABLE = "audit_auditrecord"
KEY = "audit_auditrecord_actor_id_8be2b0fb_fk_accounts_user_id"  # as migration 0001 named it


def drop_key(apps, schema_editor):
    drop_foreign_key(schema_editor, TABLE, "actor_id")


def restore_key(apps, schema_editor):
    users = apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table
    restore_foreign_key(schema_editor, TABLE, "actor_id", users, KEY)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_actor_index_covered"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditrecord",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=models.deletion.SET_NULL,
                        related_name="audit_records",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="người thực hiện",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_key, restore_key)],
        ),
    ]
