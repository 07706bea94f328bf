# Data migration: give every existing case photo its own random token. Reversing leaves the
# tokens in place (0002's reverse drops the column anyway).

import uuid
from typing import Any

from django.db import migrations


def fill_tokens(apps: Any, schema_editor: Any) -> None:
    attachment_model = apps.get_model("cases", "CaseAttachment")
    pending = attachment_model.objects.filter(token__isnull=True).only("pk")
    for attachment in pending.iterator(chunk_size=1000):
        attachment_model.objects.filter(pk=attachment.pk).update(token=uuid.uuid4())


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0002_caseattachment_token"),
    ]

    operations = [
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
    ]
