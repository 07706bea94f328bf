"""On PostgreSQL, the case timeline and the inbox become tables partitioned by month.

``cases_caseevent`` (by ``time``) and ``cases_notification`` (by ``created_at``) are rebuilt with
their rows: a partitioned parent, one partition per month that has rows plus this month and the
next three, a DEFAULT partition, the rows moved, Django's indexes and foreign keys recreated by
name on the parent, the identity sequence continued (``cases.partitions.convert``). The links to
events lost their constraints in 0014 and api.0004, which must run first. It holds an exclusive
lock on both tables while it copies them: plan a maintenance window on a large installation.

Reversible: the tables become plain again with the rows of the attached partitions (months
already archived with ``manage.py partitions detach`` stay in their archive tables). Going back
past 0014 then restores the foreign-key constraints, which fails while announcements, photos or
webhook deliveries still point at archived entries: clear those links first. SQLite: nothing.
"""

from django.db import migrations

from cases.partitions import BIG_TABLES, convert, unconvert


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for big in BIG_TABLES:
        convert(schema_editor.connection, big)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for big in BIG_TABLES:
        unconvert(schema_editor.connection, big)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_event_links_without_constraint"),
        ("api", "0004_delivery_event_without_constraint"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
