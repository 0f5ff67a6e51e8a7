"""Memberships keep no database foreign keys of their own (`db_constraint=False` on `member` and `org`).

A membership is derived: `members.history` writes it from the member's live events (`sync_memberships`,
`rebuild_memberships`, the import's one replay), and each one's member and cell are those of an event,
whose own foreign keys (`members_memberevent.member_id`, `.org_id`) PostgreSQL checks. Checking them again
on every derived row cost ~60 % of writing one (94,000 memberships: 2.9 s with the two keys, 1.2 s
without, `EXPLAIN ANALYZE` of an INSERT … SELECT); an import writes two per new member. Django still
deletes a member's or a cell's memberships with it (CASCADE, done by Django's collector), through
membership_member_from_idx and membership_org_from_idx.

No AlterField on the database: on SQLite it would rebuild the table, dropping the kept counts' triggers.
On PostgreSQL the keys found in pg_constraint are dropped; on SQLite a foreign key is part of the table's
DDL and stays until a later migration rebuilds the table from the state. Reversible: the backward run
deletes memberships whose member or cell is gone, then adds the keys back on PostgreSQL.
"""

from django.db import migrations, models

from dangvu.lib.foreign_keys import drop_foreign_key, restore_foreign_key

TABLE = "members_membership"
# column -> (referenced table, the name migration 0003 gave the key)
KEYS = {
    "member_id": ("members_member", "members_membership_member_id_a8e689cf_fk_members_member_id"),
    "org_id": ("orgs_org", "members_membership_org_id_1006520d_fk_orgs_org_id"),
}


def drop_keys(apps, schema_editor):
    for column in KEYS:
        drop_foreign_key(schema_editor, TABLE, column)


def restore_keys(apps, schema_editor):
    for column, (to_table, name) in KEYS.items():
        restore_foreign_key(schema_editor, TABLE, column, to_table, name, cascade=True)


class Migration(migrations.Migration):
    dependencies = [("members", "0008_import_indexes_trimmed"), ("orgs", "0003_path_statistics")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="membership",
                    name="member",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="memberships",
                        to="members.member",
                    ),
                ),
                migrations.AlterField(
                    model_name="membership",
                    name="org",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="+",
                        to="orgs.org",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_keys, restore_keys)],
        ),
    ]
