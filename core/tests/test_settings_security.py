"""Settings of the security headers, the session idle timeout and the trusted proxies.

Like test_settings.py, each case starts a fresh Python process: settings are read once at start-up.
"""

from core.tests.test_settings import run_python


def test_it_refuses_a_trusted_proxy_that_is_no_address():
    result = run_python("manage.py", "check", TRUSTED_PROXY_IPS="127.0.0.1,nginx.internal")
    assert result.returncode != 0
    assert "TRUSTED_PROXY_IPS: 'nginx.internal' is neither an IP address nor a network." in result.stderr


def test_it_accepts_addresses_and_networks_of_both_families():
    result = run_python("manage.py", "check", TRUSTED_PROXY_IPS="127.0.0.1, ::1, 10.0.0.0/8, fd00::/8")
    assert result.returncode == 0, result.stderr


def test_it_refuses_an_idle_timeout_shorter_than_a_minute():
    result = run_python("manage.py", "check", SESSION_IDLE_TIMEOUT="30")
    assert result.returncode != 0
    assert "SESSION_IDLE_TIMEOUT is in seconds and must be at least 60." in result.stderr
