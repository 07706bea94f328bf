from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("事件办理")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from accounts.installation import actor_top_area_code
        from accounts.worklist import register_work
        from audit.registry import register
        from cases import calendar, checks, choices, models, queue_counts  # noqa: F401 -- checks registers the system checks
        from cases.catalog import DEFAULT_CATALOG_TEXTS, on_post_migrate
        from cases.models.catalog import register_default_texts
        from cases.photos import configure_pillow
        from cases.rollups import fill_rollups
        from cases.work import case_work

        post_migrate.connect(on_post_migrate, dispatch_uid="cases-default-catalog")
        post_migrate.connect(fill_rollups, sender=self, dispatch_uid="cases-fill-rollups")
        register_default_texts(DEFAULT_CATALOG_TEXTS)
        choices.connect()  # the filter's cached menus follow the catalog and the cases
        calendar.connect()  # the cached working calendar follows CalendarDay
        queue_counts.connect()  # kept queue counts end with each change in their areas
        configure_pillow()  # Pillow refuses decompression bombs in this whole process
        register_work("cases", case_work)  # the home page's 我的待办 counts the workbench queues

        # The case itself is logged through its timeline (CaseEvent); the catalog through the change log.
        # The global settings carry the actor's top-level area, so district administrators see them.
        register(models.Category, area_code=actor_top_area_code)
        register(models.CategoryAttribute, area_code=actor_top_area_code)
        register(models.RoutingRule, area_code=lambda row: row.area.code)
        register(models.CalendarDay, area_code=actor_top_area_code)
        register(models.SupervisionStep, area_code=actor_top_area_code)
        register(models.Dispute, area_code=lambda row: row.case.grid_code)

