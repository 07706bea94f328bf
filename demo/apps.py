from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo street and its stories (``seed_demo``): the top layer, the only app that may
    import every other one. New apps add their demo stories here."""

    name = "demo"
    verbose_name = _("演示数据")
