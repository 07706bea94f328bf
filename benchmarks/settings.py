"""The settings of the ``make bench-load`` server: Wangge's own, with the benchmark's URLs.

``bench_load.py`` starts gunicorn with ``DJANGO_SETTINGS_MODULE=benchmarks.settings``; the
product never loads this module, so the reference views of ``benchmarks.floors`` exist only in
the benchmark's server.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
