"""``manage.py import_registry FILE --kind residents --area CODE [--dry-run] [--user NAME] [--create-places]``.

The same import as the page, from the shell: the file is checked and (without ``--dry-run``)
imported in one transaction, with a progress percentage on standard error and the report on
standard output. With ``--user`` that user's permissions are checked and the change log names
them; without it the command runs as the system (trusted like any shell access).
``--create-places`` creates the buildings, units and dwellings the file names that do not exist
yet (the tick on the page); without it rows naming them are rejected.

Exit code 1 when the file is refused or any row is rejected (the report says which and why;
the rejected rows are written next to the file as ``<name>-rejected.xlsx``).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from areas.models import Area
from registry.imports.importer import run_job
from registry.models import ImportJob, ImportKind, ImportStatus


class Command(BaseCommand):
    help = "Import a registry roster (.xlsx or .csv): residents, households, buildings or organisations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The .xlsx or .csv file")
        parser.add_argument("--kind", required=True, choices=ImportKind.values, help="What the file holds")
        parser.add_argument("--area", required=True, help="Code of the grid or community the file is for")
        parser.add_argument("--dry-run", action="store_true", help="Check and report without saving")
        parser.add_argument("--user", default=None, help="Import as this user (permission check and audit)")
        parser.add_argument("--create-places", action="store_true",
                            help="Create the buildings, units and dwellings the file names that do not exist yet")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        if not source.is_file():
            raise CommandError(_("找不到文件 %(name)s。") % {"name": source})
        area = Area.objects.filter(code=options["area"]).first()
        if area is None:
            raise CommandError(_("没有编码为 %(code)s 的区域。") % {"code": options["area"]})
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(_("没有名为 %(name)s 的有效用户。") % {"name": options["user"]})
        job = ImportJob(kind=options["kind"], area=area, created_by=user, original_filename=source.name,
                        create_places=options["create_places"])
        with source.open("rb") as file:
            job.file.save(source.name, File(file), save=False)
        job.save()
        run_job(job, commit=not options["dry_run"], on_progress=self._progress)
        self.stderr.write("")
        self._report(job, source)

    def _progress(self, done: int, total: int) -> None:
        percent = done * 100 // total if total else 100
        self.stderr.write(f"\r{percent:3d}%  {done}/{total}", ending="")
        self.stderr.flush()

    def _report(self, job: ImportJob, source: Path) -> None:
        if job.status == ImportStatus.FAILED:
            raise CommandError(job.report.get("error", _("文件未导入。")))
        for sample in job.report.get("samples", {}).get("rejected", []):
            self.stdout.write(sample["reason"])
        for message in [*job.report.get("notes", []), *job.report.get("warnings", [])]:
            self.stdout.write(message)
        places = job.report.get("new_places")
        if places:
            message = _("文件中有 %(buildings)d 个楼栋、%(dwellings)d 户房屋在系统中还没有（涉及 %(rows)d 行）。")
            self.stdout.write(message % places)
        counts = {
            "created": job.created_count, "merged": job.merged_count, "updated": job.updated_count,
            "unchanged": job.unchanged_count, "rejected": job.rejected_count,
        }
        if job.dry_run:
            summary = _("检查完成（未保存）：将新增 %(created)d、合并 %(merged)d、更新 %(updated)d，"
                        "%(unchanged)d 无变化，%(rejected)d 被拒绝。") % counts
        else:
            summary = _("导入完成：新增 %(created)d、合并 %(merged)d、更新 %(updated)d，"
                        "%(unchanged)d 无变化，%(rejected)d 被拒绝（未导入）。") % counts
        self.stdout.write(summary)
        if job.rejected_file:
            target = source.with_name(f"{source.stem}-rejected.xlsx")
            with job.rejected_file.open("rb") as rejected, target.open("wb") as copy:
                shutil.copyfileobj(rejected, copy)
            self.stdout.write(_("被拒绝的行已写入 %(path)s。") % {"path": target})
            raise CommandError(_("有 %(n)d 行被拒绝。") % {"n": job.rejected_count}, returncode=1)
