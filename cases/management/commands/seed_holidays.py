"""``manage.py seed_holidays [--year Y ...]``: add the PRC holidays and 调休 days the calendar lacks.

Without ``--year`` it seeds this year and the next (what ``migrate`` does). It only creates
missing dates; days an administrator edited stay as they are. For a year whose 调休 schedule
the ``holidays`` package does not know yet, it stores the statutory holidays only and says so.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cases.holidays import default_years, schedule_is_published, seed_holidays

FIRST_YEAR, LAST_YEAR = 2000, 2100


class Command(BaseCommand):
    help = "Add the PRC public holidays and make-up working days of some years to the working-day calendar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, action="append", dest="years", metavar="YEAR",
                            help="A year to seed (repeatable); default: this year and the next")

    def handle(self, *args: Any, **options: Any) -> None:
        years = sorted(set(options["years"] or default_years()))
        for year in years:
            if not FIRST_YEAR <= year <= LAST_YEAR:
                bounds = {"first": FIRST_YEAR, "last": LAST_YEAR}
                raise CommandError(_("年份应在 %(first)d 到 %(last)d 之间。") % bounds)
        created = seed_holidays(years)
        self.stdout.write(_("已添加 %(n)d 个节假日与调休日期。") % {"n": created})
        for year in years:
            if not schedule_is_published(year):
                self.stderr.write(
                    _("%(year)d 年的调休安排尚未收录，只添加了法定节假日；国务院公布后请在工作日历页面补充。")
                    % {"year": year}
                )
