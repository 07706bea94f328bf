"""manage.py generate_city: a synthetic city of any size for benchmarks (demo/city.py)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.notifications import silenced
from core.request_context import acting_as
from demo.city import CITY_DISTRICT_CODE, CityExists, CitySize, generate_city


class Command(BaseCommand):
    help = "Generate a synthetic city (streets, residents, cases) for load tests; deterministic with --seed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--streets", type=int, default=2)
        parser.add_argument("--communities", type=int, default=6, help="communities per street")
        parser.add_argument("--grids", type=int, default=6, help="grids per community")
        parser.add_argument("--residents", type=int, default=2_000)
        parser.add_argument("--cases", type=int, default=1_000)
        parser.add_argument("--years", type=int, default=2, help="cases are spread over this many years")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--as-of", default="", help="the day the city's history ends (YYYY-MM-DD; today)")
        parser.add_argument("--password", default="wangge-city", help="the password of every city-… login")

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = int(options["verbosity"])
        size = CitySize(
            streets=_positive(options, "streets"), communities=_positive(options, "communities"),
            grids=_positive(options, "grids"), residents=_not_negative(options, "residents"),
            cases=_not_negative(options, "cases"), years=_positive(options, "years"), seed=options["seed"],
            as_of=_day(options["as_of"]),
        )
        if size.streets > 999 or size.communities > 999 or size.grids > 999:
            raise CommandError("--streets, --communities and --grids are at most 999 (three code digits).")
        try:
            with silenced(), acting_as(None, request_id="generate_city"):
                report = generate_city(size, password=options["password"], progress=self._progress)
        except CityExists as error:
            raise CommandError(f"The city (district {CITY_DISTRICT_CODE}) is already there: "
                               "generate into a fresh database.") from error
        for name, count in sorted(report.rows.items()):
            self.stdout.write(f"{name}: {count}")
        rate = (report.rows["residents"] + report.rows["cases"]) / max(report.seconds, 0.001)
        self.stdout.write(f"done in {report.seconds:.1f} s ({rate:,.0f} residents+cases/s)")
        for login, role, code in report.logins[:8]:
            self.stdout.write(f"login {login} ({role}, {code})")

    def _progress(self, message: str) -> None:
        if self.verbosity > 1:
            self.stderr.write(message)


def _positive(options: dict[str, Any], name: str) -> int:
    if options[name] < 1:
        raise CommandError(f"--{name} must be at least 1.")
    return int(options[name])


def _not_negative(options: dict[str, Any], name: str) -> int:
    if options[name] < 0:
        raise CommandError(f"--{name} must not be negative.")
    return int(options[name])


def _day(text: str) -> datetime.date:
    if not text:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError("--as-of must be a date like 2026-01-31.") from error
