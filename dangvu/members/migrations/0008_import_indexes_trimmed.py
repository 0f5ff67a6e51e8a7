"""The indexes and foreign keys that no query needs go: the member import (COPY into members_member and
members_memberevent) spends most of its time maintaining them on PostgreSQL.

members_member:
- `card_number`, `citizen_id`: PostgreSQL's `varchar_pattern_ops` twins (`…_like`, for LIKE 'prefix%') go.
  Both are looked up by equality only (members.queries.name_condition, the import's `= ANY(…)`): the
  unique indexes stay. Django does not track the twins in its state: PostgreSQL only, `DROP INDEX IF EXISTS`.
- `name_search`: its B-tree index and (PostgreSQL) its `_like` twin go. A search is LIKE '%word%', or
  'word%' OR '% word%' for a short word (members.queries.word_condition): on PostgreSQL the GIN trigram
  index member_area_name_trgm_idx (area_id, name_search gin_trgm_ops) serves both, with or without an area
  condition; on SQLite the FTS5 table narrows the long words and nothing narrowed the short ones before.

members_memberevent:
- `created_by`, `deleted_by`: "who did it" log columns, like the audit's actor: no foreign key and no
  index. Django keeps SET_NULL (see the model for what deleting a user now costs).
- `member`: its own index (member_id) and the partial event_member_on_idx (member_id, "on") WHERE
  deleted_at IS NULL become one non-partial event_member_on_idx (member_id, "on"): the cascade and the
  foreign key's check on a member's deletion read it by member_id, the timelines add their deleted_at
  filter on the heap. The foreign key itself stays.

No AlterField on the database: on SQLite it rebuilds the table, which drops the triggers (FTS, headcount,
the tallies' queue), and on PostgreSQL altering a foreign key column drops and re-validates its key. The
state takes the model changes; the database gets plain DROP INDEX / CREATE INDEX, and on PostgreSQL
`ALTER TABLE … DROP CONSTRAINT` of the key found in pg_constraint. On SQLite a foreign key is part of the
table's DDL (`created_by_id … REFERENCES accounts_user`): it stays, checked per row by SQLite as before,
until a later migration rebuilds the table from the state. Reversible: the backward run recreates the
indexes and (PostgreSQL) the keys, setting to NULL the ids of users deleted meanwhile.
"""

from django.conf import settings
from django.db import migrations, models

from dangvu.lib.foreign_keys import drop_foreign_key, restore_foreign_key

EVENTS = "members_memberevent"
# PostgreSQL only: the `_like` twins Django created with the unique fields and the indexed name.
PG_LIKE_INDEXES = {
    "members_member_card_number_429e92e0_like": "card_number",
    "members_member_citizen_id_125b8f9b_like": "citizen_id",
    "members_member_name_search_5cf3c229_like": "name_search",
}
# The foreign keys to the users: (column, the name migration 0001 gave them).
USER_KEYS = [
    ("created_by_id", "members_memberevent_created_by_id_5c7313fa_fk_accounts_user_id"),
    ("deleted_by_id", "members_memberevent_deleted_by_id_d7c69335_fk_accounts_user_id"),
]


def drop_pg_objects(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in PG_LIKE_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
    for column, _ in USER_KEYS:
        drop_foreign_key(schema_editor, EVENTS, column)


def restore_pg_objects(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    users = apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table
    for column, name in USER_KEYS:
        restore_foreign_key(schema_editor, EVENTS, column, users, name)
    for name, column in PG_LIKE_INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "members_member" ("{column}" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0007_fk_indexes_covered"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="member",
                    name="name_search",
                    field=models.CharField(default="", editable=False, max_length=120),
                ),
                migrations.AlterField(
                    model_name="memberevent",
                    name="created_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="memberevent",
                    name="deleted_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="memberevent",
                    name="member",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="events",
                        to="members.member",
                    ),
                ),
                migrations.RemoveIndex(model_name="memberevent", name="event_member_on_idx"),
                migrations.AddIndex(
                    model_name="memberevent",
                    index=models.Index(fields=["member", "on"], name="event_member_on_idx"),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_pg_objects, restore_pg_objects),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "members_member_name_search_5cf3c229"',
                    'CREATE INDEX IF NOT EXISTS "members_member_name_search_5cf3c229" ON "members_member" ("name_search")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "members_memberevent_created_by_id_5c7313fa"',
                    'CREATE INDEX IF NOT EXISTS "members_memberevent_created_by_id_5c7313fa" '
                    'ON "members_memberevent" ("created_by_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "members_memberevent_deleted_by_id_d7c69335"',
                    'CREATE INDEX IF NOT EXISTS "members_memberevent_deleted_by_id_d7c69335" '
                    'ON "members_memberevent" ("deleted_by_id")',
                ),
                # The partial index makes way for the full one of the same name, then member_id's own goes.
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "event_member_on_idx"',
                    'CREATE INDEX "event_member_on_idx" ON "members_memberevent" ("member_id", "on") '
                    'WHERE "deleted_at" IS NULL',
                ),
                migrations.RunSQL(
                    'CREATE INDEX "event_member_on_idx" ON "members_memberevent" ("member_id", "on")',
                    'DROP INDEX IF EXISTS "event_member_on_idx"',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "members_memberevent_member_id_0cf90450"',
                    'CREATE INDEX IF NOT EXISTS "members_memberevent_member_id_0cf90450" '
                    'ON "members_memberevent" ("member_id")',
                ),
            ],
        ),
    ]
