# The LIKE (varchar_pattern_ops) indexes of blind indexes, which are only ever compared whole.

from django.db import migrations

from core.migration_ops import drop_pattern_indexes


class Migration(migrations.Migration):

    dependencies = [
        ("participation", "0004_conventions"),
    ]

    operations = [
        drop_pattern_indexes(("participation", "Wish", "claimant_phone_index"),
                             ("participation", "Proposal", "proposer_phone_index")),
    ]
