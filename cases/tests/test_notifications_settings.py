"""E-mail and SMS settings from the environment (read once per process, so each case is a subprocess)."""

import json

from core.tests.test_settings import run_python

SHOW_MAIL_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "backend": settings.EMAIL_BACKEND, "host": settings.EMAIL_HOST, "port": settings.EMAIL_PORT,
    "user": settings.EMAIL_HOST_USER, "tls": settings.EMAIL_USE_TLS, "timeout": settings.EMAIL_TIMEOUT,
    "sms": settings.CASES_SMS_BACKEND, "warning": settings.CASES_SUPERVISION_WARNING_PERCENT,
}))
"""
MAIL_VARIABLES = ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD",
                  "EMAIL_USE_TLS", "CASES_SMS_BACKEND", "CASES_SUPERVISION_WARNING_PERCENT")


def mail_settings(monkeypatch, **environment: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    for name in MAIL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    result = run_python("-c", SHOW_MAIL_SETTINGS, **environment)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_by_default_mails_go_to_the_console_and_texts_to_the_log(monkeypatch):
    seen = mail_settings(monkeypatch)
    assert seen["backend"] == "django.core.mail.backends.console.EmailBackend"
    assert seen["sms"] == "cases.sms.ConsoleSMSBackend" and seen["warning"] == 75


def test_setting_a_mail_host_switches_to_smtp(monkeypatch):
    seen = mail_settings(monkeypatch, EMAIL_HOST="smtp.example.cn", EMAIL_PORT="465", EMAIL_HOST_USER="wangge",
                         EMAIL_USE_TLS="1")
    assert seen["backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (seen["host"], seen["port"], seen["user"], seen["tls"]) == ("smtp.example.cn", 465, "wangge", True)


def test_an_explicit_backend_wins_over_the_host(monkeypatch):
    seen = mail_settings(monkeypatch, EMAIL_HOST="smtp.example.cn",
                         EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    assert seen["backend"] == "django.core.mail.backends.locmem.EmailBackend"


def test_production_warns_when_links_would_have_no_host(settings):
    from cases.checks import check_public_base_url

    settings.PRODUCTION, settings.PUBLIC_BASE_URL = True, ""
    assert [message.id for message in check_public_base_url()] == ["cases.W001"]
    settings.PUBLIC_BASE_URL = "https://wangge.example.cn"
    assert check_public_base_url() == []
    settings.PRODUCTION, settings.PUBLIC_BASE_URL = False, ""
    assert check_public_base_url() == []  # development: paths are fine on the console
