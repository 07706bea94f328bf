"""Webhook settings (in subprocesses, like core/tests/test_settings.py): production refuses http
receivers; development allows them by default."""

from __future__ import annotations

from core.tests.test_settings import PRODUCTION, run_python

SHOW = "import django; from django.conf import settings; django.setup(); print(settings.WEBHOOK_ALLOW_HTTP)"


def test_production_refuses_http_receivers():
    result = run_python("manage.py", "check", **PRODUCTION, WEBHOOK_ALLOW_HTTP="1")
    assert result.returncode != 0
    assert "refuses WEBHOOK_ALLOW_HTTP" in result.stderr


def test_production_requires_https_by_default_and_development_allows_http():
    assert run_python("-c", SHOW, **PRODUCTION, WEBHOOK_ALLOW_HTTP="").stdout.strip() == "False"
    assert run_python("-c", SHOW, WEBHOOK_ALLOW_HTTP="").stdout.strip() == "True"
