from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("开放接口")

    def ready(self) -> None:
        from api import models, schema  # noqa: F401 -- schema registers the authentication extension
        from audit.registry import register

        # Creation and revocation are logged; the hash and the use bookkeeping are not.
        register(models.AccessToken, exclude=("secret_hash", "last_used_at", "last_used_from"))
