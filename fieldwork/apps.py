from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    name = "fieldwork"
    verbose_name = _("巡查走访")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from accounts.installation import actor_top_area_code
        from accounts.worklist import register_work
        from audit.registry import register
        from cases.links import register_case_links
        from cases.models.catalog import register_default_texts
        from fieldwork import models
        from fieldwork.catalog import DEFAULT_CHECKLIST_TEXTS, on_post_migrate
        from fieldwork.diary_review import comment_area_code
        from fieldwork.selectors import links_to_case
        from fieldwork.work import fieldwork_work

        post_migrate.connect(on_post_migrate, dispatch_uid="fieldwork-default-checklists")
        register_case_links(links_to_case)  # the case page links back to the patrol or visit
        register_work("fieldwork", fieldwork_work)  # the home page's 我的待办: patrols today, visits due
        register_default_texts(DEFAULT_CHECKLIST_TEXTS)
        # Plans and checklists through the change log; patrols and visits are records of their own.
        register(models.Checklist, area_code=actor_top_area_code)
        register(models.ChecklistVersion, area_code=actor_top_area_code)
        register(models.ChecklistItem, area_code=actor_top_area_code)
        register(models.PatrolPlan, area_code=lambda row: row.area.code)
        register(models.PatrolWindow, area_code=lambda row: row.plan.area.code)
        register(models.PlanTarget, area_code=lambda row: row.grid_code)
        register(models.Visit, area_code=lambda row: row.grid_code)
        register(models.RectificationList, area_code=lambda row: row.area_code)
        register(models.RectificationItem, area_code=lambda row: row.grid_code)
        register(models.Pairing, area_code=lambda row: row.grid_code)
        register(models.DiaryComment, area_code=comment_area_code)
