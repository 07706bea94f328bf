# The LIKE (varchar_pattern_ops) indexes of blind indexes, which are only ever compared whole.

from django.db import migrations

from core.migration_ops import drop_pattern_indexes


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0019_unread_count_fill"),
    ]

    operations = [
        drop_pattern_indexes(("cases", "Case", "reporter_phone_index")),
    ]
