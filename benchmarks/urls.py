"""Wangge's URLs and the benchmark's reference views (``benchmarks.floors``)."""

from django.urls import URLPattern, URLResolver, path

from benchmarks import floors
from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as product

urlpatterns: list[URLPattern | URLResolver] = [
    path("bench/write-floor/", floors.write_floor, name="bench_write_floor"),
    path("bench/page-floor/", floors.page_floor, name="bench_page_floor"),
    *product,
]
