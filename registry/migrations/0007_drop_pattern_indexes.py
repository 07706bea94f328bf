# The LIKE (varchar_pattern_ops) indexes of blind indexes, which are only ever compared whole.

from django.db import migrations

from core.migration_ops import drop_pattern_indexes


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0006_fill_address_sort_keys"),
    ]

    operations = [
        drop_pattern_indexes(("registry", "Resident", "id_number_index"), ("registry", "Resident", "phone_index"),
                             ("registry", "Establishment", "contact_phone_index")),
    ]
