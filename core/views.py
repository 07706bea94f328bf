"""Home page routing and health check."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from accounts.home import home_area_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each user to the page that fits their role: their grid, community or street."""
    area = home_area_for(request.user)
    if area is not None:
        return redirect("areas:detail", code=area.code)
    return render(request, "core/no_assignment.html")


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
