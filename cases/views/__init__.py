"""Case pages, one module per feature, each exporting its ``urlpatterns``."""
