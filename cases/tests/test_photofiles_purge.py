"""``purge_orphan_photos``: files of rolled-back transactions go, photos of cases and young files stay."""

from __future__ import annotations

import os
import time
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import transaction

from cases.models import CaseAttachment
from cases.testing import report, tiny_photo


def _age(name: str, hours: float) -> None:
    moment = time.time() - hours * 3600
    os.utime(default_storage.path(name), (moment, moment))


def _rolled_back_report(cc) -> str:  # type: ignore[no-untyped-def]
    """A report with a photo whose transaction fails after the file was stored."""
    before = set(CaseAttachment.objects.values_list("image", flat=True))
    stored: list[str] = []
    with pytest.raises(RuntimeError), transaction.atomic():
        case = report(cc, photos=[tiny_photo()])
        stored += [name for name in case.attachments.values_list("image", flat=True) if name not in before]
        raise RuntimeError("the request failed after the photo was stored")
    assert len(stored) == 1 and default_storage.exists(stored[0])
    return stored[0]


def test_it_deletes_old_orphans_and_keeps_photos_of_cases_and_young_files(cc):  # type: ignore[no-untyped-def]
    kept = report(cc, photos=[tiny_photo()]).attachments.get().image.name
    orphan = _rolled_back_report(cc)
    young = _rolled_back_report(cc)
    _age(kept, 48)
    _age(orphan, 48)
    out = StringIO()
    call_command("purge_orphan_photos", stdout=out)
    assert not default_storage.exists(orphan)
    assert default_storage.exists(kept) and default_storage.exists(young)
    assert orphan in out.getvalue() and "已删除 1 个无主照片文件。" in out.getvalue()


def test_a_dry_run_only_lists_them(cc):  # type: ignore[no-untyped-def]
    orphan = _rolled_back_report(cc)
    _age(orphan, 30)
    out = StringIO()
    call_command("purge_orphan_photos", "--dry-run", stdout=out)
    assert default_storage.exists(orphan) and "找到 1 个无主照片文件。" in out.getvalue()


def test_it_ignores_an_empty_store_and_refuses_a_zero_age(db):  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command("purge_orphan_photos", stdout=out)
    assert "已删除 0 个" in out.getvalue()
    with pytest.raises(CommandError, match="--hours"):
        call_command("purge_orphan_photos", "--hours", "0")


def test_files_outside_the_photo_folders_are_not_touched(cc):  # type: ignore[no-untyped-def]
    other = default_storage.save("imports/roster.xlsx", ContentFile(b"roster"))
    _age(other, 100)
    call_command("purge_orphan_photos", stdout=StringIO())
    assert default_storage.exists(other)
