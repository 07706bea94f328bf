"""Return wishes whose claim ran out unfulfilled to the wish wall (run daily, or from the loop)."""

from typing import Any

from django.core.management.base import BaseCommand

from participation.wishes import wish_release_expired_claims


class Command(BaseCommand):
    help = "Return wishes whose claim expired unfulfilled to the public wish wall."

    def handle(self, *args: Any, **options: Any) -> None:
        released = wish_release_expired_claims()
        self.stdout.write(f"released {released} wish claim(s)")
