import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0006_headcount'),
        ('orgs', '0002_orgversion_valid_to_index'),
    ]

    # The foreign keys' own indexes go: a composite index leads with each column (the member import writes
    # fewer indexes).
    # A plain DROP INDEX on both databases: AlterField would rebuild the table on SQLite (dropping its
    # triggers) and drop and re-validate the foreign keys on PostgreSQL.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='member',
                    name='current_org',
                    field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='members', to='orgs.org', verbose_name='chi bộ'),
                ),
                migrations.AlterField(
                    model_name='membership',
                    name='member',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='members.member'),
                ),
                migrations.AlterField(
                    model_name='membership',
                    name='org',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgs.org'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "members_member_current_org_id_1e9aaa3c"',
                    'CREATE INDEX "members_member_current_org_id_1e9aaa3c" ON "members_member" ("current_org_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "members_membership_member_id_a8e689cf"',
                    'CREATE INDEX "members_membership_member_id_a8e689cf" ON "members_membership" ("member_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "members_membership_org_id_1006520d"',
                    'CREATE INDEX "members_membership_org_id_1006520d" ON "members_membership" ("org_id")',
                ),
            ],
        ),
    ]
