"""``manage.py recount_inbox``: store the exact unread count of every user's inbox.

The counts (``cases.inbox``) follow every delivery and reading; notifications that leave the
inbox otherwise (deleted with their case, archived with ``partitions detach``, which runs this
itself, or removed by hand in SQL) leave them too high until the user opens the inbox. This puts
them right for everyone at once. Harmless to run at any time; deliveries wait while it counts.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cases.inbox import unread_recount_all


class Command(BaseCommand):
    help = "Recount the unread notifications of every user (the inbox badge)."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = unread_recount_all()
        self.stdout.write(f"{changed} unread count(s) corrected.")
