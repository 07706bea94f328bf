from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("开放接口")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from api import models, schema  # noqa: F401 -- schema registers the authentication extension
        from api.catalog import on_post_migrate
        from api.handoff.operations import on_case_event as handoff_on_case_event
        from api.handoff.panel import handoff_panel
        from api.webhooks.deliveries import on_case_event
        from audit.registry import register
        from cases.events import register_listener
        from cases.panels import register_case_panel

        # Creation and revocation are logged; the hash and the use bookkeeping are not.
        register(models.AccessToken, exclude=("secret_hash", "last_used_at", "last_used_from"))
        # Subscriptions are logged without their secret; deliveries are their own log.
        register(models.WebhookSubscription, area_code=lambda row: row.area_code,
                 exclude=("secret", "failing_since"))
        register_listener(on_case_event)  # webhooks: every committed case event
        register_listener(handoff_on_case_event)  # the hand-off of dispatches to a city platform's unit
        register_case_panel(handoff_panel)  # 上报市平台 on the case page
        post_migrate.connect(on_post_migrate, dispatch_uid="api-role-permissions")

        register(models.Open311Key, exclude=("secret_hash", "last_used_at", "last_used_from"))
        # The platform's key is encrypted and never logged.
        register(models.UpstreamPlatform, exclude=("api_key", "updates_polled_at"))
        register(models.UpstreamCategoryCode)
