from django.conf import settings
from django.http import HttpRequest


def wangge(request: HttpRequest) -> dict[str, object]:
    return {"PRODUCT_NAME": "网格", "DEBUG": settings.DEBUG}
