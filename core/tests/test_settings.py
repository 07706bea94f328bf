"""Settings from the environment: development defaults that just work, production refuses unsafe ones.

Each case starts a fresh Python process, because settings are read once at start-up.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings as project_settings

BASE_DIR = Path(project_settings.BASE_DIR)
GOOD_SECRET = "k3v9-Qm2xT7pLw8zR4nB6yH1cF5jD0sA-gE3uV7iO2eX9rW4tY6qZ8aS1dF3hJ5l"
GOOD_PII_KEY = "3q2-7wYI1aXe0tT9p3sJmQ0n5dGkq8vL2uB6yH1cF5I="
GOOD_INDEX_KEY = "index-key-9f8e7d6c5b4a39281706f5e4d3c2b1a0"
PRODUCTION = {
    "WANGGE_PRODUCTION": "1", "SECRET_KEY": GOOD_SECRET, "ALLOWED_HOSTS": "wangge.example.cn",
    "PII_ENCRYPTION_KEYS": GOOD_PII_KEY, "PII_INDEX_KEY": GOOD_INDEX_KEY,
    "PUBLIC_BASE_URL": "https://wangge.example.cn",
}
# Variables a developer's shell, CI or another test (the browser fixture sets
# DJANGO_ALLOW_ASYNC_UNSAFE) may have set; every case starts without them.
CONTROLLED = (
    "WANGGE_PRODUCTION", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DATABASE_URL", "WANGGE_VAR_DIR",
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD", "STATIC_ROOT", "MEDIA_ROOT",
    "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE", "PII_ENCRYPTION_KEYS", "PII_INDEX_KEY", "CACHE_URL",
    "PUBLIC_BASE_URL", "S3_BUCKET", "S3_ENDPOINT_URL", "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY",
    "S3_PREFIX", "S3_ADDRESSING_STYLE", "CASES_QUEUE_COUNT_SECONDS",
)
SHOW_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
database = settings.DATABASES["default"]
print(json.dumps({
    "engine": database["ENGINE"], "name": str(database["NAME"]), "host": database.get("HOST", ""),
    "time_zone": settings.TIME_ZONE, "language_code": settings.LANGUAGE_CODE, "debug": settings.DEBUG,
    "cache": settings.CACHES["default"]["BACKEND"], "cache_location": settings.CACHES["default"].get("LOCATION", ""),
    "session_engine": settings.SESSION_ENGINE, "storage": settings.STORAGES["default"],
    "queue_count_seconds": settings.CASES_QUEUE_COUNT_SECONDS,
}))
"""


def run_python(*args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in CONTROLLED}
    env.update(environment, DJANGO_SETTINGS_MODULE="config.settings", PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def settings_seen(**environment: str) -> dict[str, object]:
    result = run_python("-c", SHOW_SETTINGS, **environment)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_it_refuses_the_default_secret_key_in_production():
    without_key = {name: value for name, value in PRODUCTION.items() if name != "SECRET_KEY"}
    result = run_python("manage.py", "check", **without_key)
    assert result.returncode != 0
    assert "ImproperlyConfigured: Production mode needs SECRET_KEY" in result.stderr


def test_it_refuses_the_development_key_set_explicitly_in_production():
    result = run_python("manage.py", "check", **{**PRODUCTION, "SECRET_KEY": project_settings.DEVELOPMENT_SECRET_KEY})
    assert result.returncode != 0
    assert "Production mode needs SECRET_KEY" in result.stderr


def test_it_refuses_a_short_secret_key_in_production():
    result = run_python("manage.py", "check", **{**PRODUCTION, "SECRET_KEY": "too-short"})
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_it_refuses_debug_in_production():
    result = run_python("manage.py", "check", **PRODUCTION, DEBUG="1")
    assert result.returncode != 0
    assert "refuses to run with DEBUG on" in result.stderr


def test_it_refuses_production_without_allowed_hosts():
    result = run_python("manage.py", "check", **{**PRODUCTION, "ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "Production mode needs ALLOWED_HOSTS" in result.stderr


def test_it_passes_the_deployment_checklist_when_configured_for_production():
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_turns_debug_off_by_default_in_production():
    assert settings_seen(**PRODUCTION)["debug"] is False


def test_it_runs_in_development_with_no_variables_set():
    seen = settings_seen()
    assert seen["debug"] is True
    assert seen["time_zone"] == "Asia/Shanghai"
    assert seen["language_code"] == "zh-hans"


def test_it_uses_sqlite_under_var_without_database_url():
    seen = settings_seen()
    assert seen["engine"] == "django.db.backends.sqlite3"
    assert seen["name"] == str(BASE_DIR / "var" / "wangge.sqlite3")


def test_it_keeps_the_sqlite_file_in_wangge_var_dir(tmp_path):
    seen = settings_seen(WANGGE_VAR_DIR=str(tmp_path))
    assert seen["name"] == str(tmp_path / "wangge.sqlite3")


def test_it_uses_postgresql_when_database_url_is_set():
    seen = settings_seen(DATABASE_URL="postgres://wangge@db.example.cn:5432/wangge")
    assert seen["engine"] == "django.db.backends.postgresql"
    assert seen["name"] == "wangge"
    assert seen["host"] == "db.example.cn"


def test_production_refuses_the_development_personal_data_keys():
    without_keys = {name: value for name, value in PRODUCTION.items() if not name.startswith("PII_")}
    result = run_python("manage.py", "check", **without_keys)
    assert result.returncode != 0
    assert "Production mode needs PII_ENCRYPTION_KEYS" in result.stderr


def test_production_refuses_a_short_blind_index_key():
    result = run_python("manage.py", "check", **{**PRODUCTION, "PII_INDEX_KEY": "short"})
    assert result.returncode != 0
    assert "Production mode needs PII_INDEX_KEY" in result.stderr


def test_an_empty_variable_counts_as_unset(tmp_path):
    seen = settings_seen(WANGGE_VAR_DIR="", DATABASE_URL="", CACHE_URL="")
    assert seen["name"] == str(BASE_DIR / "var" / "wangge.sqlite3")
    assert seen["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_cache_url_shares_the_cache_and_the_sessions_through_redis():
    seen = settings_seen(CACHE_URL="redis://127.0.0.1:6379/3")
    assert seen["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert seen["cache_location"] == "redis://127.0.0.1:6379/3"
    assert seen["session_engine"] == "django.contrib.sessions.backends.cached_db"  # core/tests/test_sessions_redis.py
    assert seen["queue_count_seconds"] == 30  # every process sees the stamps (cases/queue_counts.py)


def test_sessions_and_files_stay_local_by_default():
    seen = settings_seen()
    assert seen["session_engine"] == "django.contrib.sessions.backends.db"
    assert seen["queue_count_seconds"] == 0  # each process's own cache: counted on every request
    assert seen["storage"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_s3_bucket_keeps_uploaded_files_in_a_private_bucket():
    seen = settings_seen(S3_BUCKET="wangge-media", S3_ENDPOINT_URL="https://minio.example.cn:9000",
                         S3_REGION="cn-north-1", S3_ACCESS_KEY_ID="wangge", S3_SECRET_ACCESS_KEY="s3cret",
                         S3_PREFIX="/street-1/", S3_ADDRESSING_STYLE="path")
    storage = seen["storage"]
    assert isinstance(storage, dict) and storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"] == {
        "bucket_name": "wangge-media", "endpoint_url": "https://minio.example.cn:9000", "region_name": "cn-north-1",
        "access_key": "wangge", "secret_key": "s3cret", "location": "street-1", "addressing_style": "path",
        "signature_version": "s3v4", "file_overwrite": False, "default_acl": None, "querystring_auth": True,
        "querystring_expire": 300, "max_memory_size": 2_621_440,
    }


def test_s3_settings_without_a_bucket_are_refused():
    result = run_python("manage.py", "check", S3_ENDPOINT_URL="https://minio.example.cn:9000")
    assert result.returncode != 0
    assert "The S3_* settings need S3_BUCKET" in result.stderr
    result = run_python("manage.py", "check", S3_BUCKET="wangge-media", S3_ADDRESSING_STYLE="sideways")
    assert result.returncode != 0
    assert "S3_ADDRESSING_STYLE must be auto, path or virtual" in result.stderr


def test_it_refuses_a_cache_url_it_cannot_use():
    result = run_python("manage.py", "check", CACHE_URL="memcached://127.0.0.1:11211")
    assert result.returncode != 0
    assert "CACHE_URL must be a redis://" in result.stderr
