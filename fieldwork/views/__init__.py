"""Fieldwork pages, one module per feature; each module exports its own ``urlpatterns``."""
