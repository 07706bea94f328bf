"""manage.py notify_missed_patrols: tell the 网格长 about windows that passed without a patrol."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from fieldwork.missed import notify_missed_patrols


class Command(BaseCommand):
    help = "Claim the daily-plan windows missed so far and put them in the grid leaders' inboxes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=2, help="How many days back to look (default 2).")

    def handle(self, *args: Any, **options: Any) -> None:
        claimed = notify_missed_patrols(timezone.now(), days=max(1, options["days"]))
        self.stdout.write(f"{claimed} missed windows announced")
