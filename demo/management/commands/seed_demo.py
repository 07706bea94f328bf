"""``manage.py seed_demo``: load (or restore) the demo street and print its logins."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.seed import DEFAULT_PASSWORD, SeedReport, seed_demo


class Command(BaseCommand):
    help = (
        "Load the demo street (郑州市中原区航海西路街道: 4 communities, 18 grids, micro-grids, teams, "
        "organisations, one login per role, and a registry of buildings, dwellings, households, some "
        "17,000 residents, registered organisations, facilities and vehicles, and a year of cases). "
        "Idempotent: a second run changes nothing; demo areas, teams and logins that were edited are restored, other "
        "records are left alone. Refuses in production mode unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password", default="",
            help=f"Password of every demo login (default: $DEMO_PASSWORD or {DEFAULT_PASSWORD!r}).",
        )
        parser.add_argument("--force", action="store_true", help="Seed even in production mode.")
        parser.add_argument(
            "--without-registry", action="store_true",
            help="Only the areas, teams, organisations and logins (no buildings or residents, no cases).",
        )
        parser.add_argument("--without-cases", action="store_true", help="Leave out the demo cases (事件).")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not options["force"]:
            raise CommandError(
                "Refusing to load demo data in production mode (WANGGE_PRODUCTION is set); "
                "use --force if you really mean it."
            )
        password = options["password"] or os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        with_registry = not options["without_registry"]
        report = seed_demo(password=password, registry=with_registry,
                           cases=with_registry and not options["without_cases"])
        self.print_logins(report, password)
        self.print_summary(report)

    def print_logins(self, report: SeedReport, password: str) -> None:
        width = max(len(login.username) for login in report.logins)
        role_width = max(len(login.role) for login in report.logins)
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo logins"))
        self.stdout.write(f"  {'username':<{width}}  {'role':<{role_width}}  {'area code':<18}  area")
        for login in report.logins:
            self.stdout.write(
                f"  {login.username:<{width}}  {login.role:<{role_width}}  {login.area_code:<18}  {login.area_name}"
            )
        self.stdout.write(f"  password for all of them: {self.style.SUCCESS(password)}")

    def print_summary(self, report: SeedReport) -> None:
        figures = ", ".join(f"{name} {count}" for name, count in report.counts.items())
        created, updated = sum(report.created.values()), sum(report.updated.values())
        outcome = f"created {created}, updated {updated} records" if report.changed else "already up to date"
        self.stdout.write(f"Demo street: {figures}; {outcome}.")
