from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from core.sessions import start_clock

        user_logged_in.connect(start_clock, dispatch_uid="core.sessions.start_clock")
