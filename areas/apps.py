from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AreasConfig(AppConfig):
    name = "areas"
    verbose_name = _("区域与网格")

    def ready(self) -> None:
        from areas import grid_cache
        from areas.models import Area, GridTag
        from audit.registry import register

        register(Area, area_code=lambda area: area.code)
        register(GridTag)
        grid_cache.connect()
