"""The unread count of every user with unread notifications, from the notifications themselves.

Forwards only once, right after 0018 created the empty table; backwards does nothing (0018's
reversal drops the table). ``manage.py recount_inbox`` does the same at any later time.
"""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    counts = apps.get_model("cases", "UnreadCount")
    notifications = apps.get_model("cases", "Notification")
    quote = schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(counts._meta.db_table)} (user_id, unread) "
            f"SELECT user_id, COUNT(*) FROM {quote(notifications._meta.db_table)} WHERE read_at IS NULL "
            "GROUP BY user_id"
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0018_unread_count")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
