# A random token for each case photo, so photo addresses are not sequential ids. Added nullable
# here, filled in 0003 (one fresh UUID per existing row), then made unique and required in 0004.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseattachment",
            name="token",
            field=models.UUIDField(editable=False, null=True, verbose_name="访问令牌"),
        ),
    ]
