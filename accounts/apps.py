from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账号与权限")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from accounts.catalog import on_post_migrate

        post_migrate.connect(on_post_migrate, dispatch_uid="accounts-default-roles")
        from accounts import scope
        from core import scope as core_scope

        core_scope.install(scope)
        from axes.signals import user_locked_out

        from accounts.throttle import on_locked_out

        user_locked_out.connect(on_locked_out, dispatch_uid="accounts-login-locked-out")
        from accounts.models import Organisation, OrganisationMember, Role, RoleAssignment, TeamMember, User
        from audit.registry import register

        register(User, exclude=("password", "last_login"))
        register(Role)
        register(RoleAssignment, area_code=lambda row: row.area.code)
        register(Organisation, area_code=lambda row: row.home_area.code)
        register(OrganisationMember, area_code=lambda row: row.organisation.home_area.code)
        register(TeamMember, area_code=lambda row: row.area.code)
