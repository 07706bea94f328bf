"""Give the default roles of an existing installation the permissions of 整改清单 and 结对帮扶.

``accounts.catalog.grant_app_permissions`` grants an app's permissions only to roles holding none
of them, so roles that already hold the fieldwork permissions of the first slice would never
receive these. This runs once: a role that does not exist (a fresh database, where the roles are
created after ``migrate`` with every permission) is skipped, and nothing is ever taken away.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW = ["view_rectificationlist"]
MANAGE = [*VIEW, "add_rectificationlist", "add_pairing", "change_pairing", "view_pairing"]
GRANTS = {
    "grid_worker": VIEW,
    "supervisor": VIEW,
    "street_leader": VIEW,
    "grid_leader": MANAGE,
    "community_staff": MANAGE,
    "area_admin": MANAGE,
}


def grant(apps, schema_editor):  # type: ignore[no-untyped-def]
    config = apps.get_app_config("fieldwork")
    config.models_module = True  # historical app configs have none; create_permissions asks for one
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    role_model = apps.get_model("accounts", "Role")
    permission_model = apps.get_model("auth", "Permission")
    for code, codenames in GRANTS.items():
        role = role_model.objects.filter(code=code).first()
        if role is not None:
            role.permissions.add(
                *permission_model.objects.filter(content_type__app_label="fieldwork", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("fieldwork", "0006_visit_registry_note"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
