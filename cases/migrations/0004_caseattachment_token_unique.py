# The photo token becomes required and unique, with a fresh UUID for every new photo.

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0003_fill_caseattachment_token"),
    ]

    operations = [
        migrations.AlterField(
            model_name="caseattachment",
            name="token",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name="访问令牌"),
        ),
    ]
